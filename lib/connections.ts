import type { SqlDialect } from "@/lib/sql/split";

/** A member's own Databricks sign-in on a user-to-machine connection, as the Account page lists it. */
export interface DatabricksSignIn {
  connectionId: string;
  connectionName: string;
  /** The workspace user the sign-in names (shown, never trusted). */
  workspaceUser: string;
  /** ISO time of the sign-in. */
  since: string;
}

/** A connection as the browser sees it. The secret itself never leaves the server. */
export interface ConnectionView {
  id: string;
  name: string;
  kind: "builtin" | "databricks";
  dialect: SqlDialect;
  host: string;
  port: number;
  httpPath: string;
  authType: "token" | "oauth-m2m" | "oauth-u2m" | null;
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
