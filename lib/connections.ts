import type { SqlDialect } from "@/lib/sql/split";

/** A connection as the browser sees it. The secret itself never leaves the server. */
export interface ConnectionView {
  id: string;
  name: string;
  kind: "builtin" | "databricks";
  dialect: SqlDialect;
  host: string;
  port: number;
  httpPath: string;
  authType: "token" | "oauth-m2m" | null;
  clientId: string | null;
  /** Last four characters of the stored secret ("" when it is too short to show any). */
  secretHint: string | null;
  defaultCatalog: string | null;
  defaultSchema: string | null;
  /** Large results may come from the workspace's cloud storage (CloudFetch). */
  cloudFetch: boolean;
  scope: "shared" | "personal";
  canManage: boolean;
}
