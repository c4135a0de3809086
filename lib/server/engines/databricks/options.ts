import "server-only";
import type { Logger } from "../../log";
import type { WarehousePolicy } from "../../network/warehouse-policy";

export interface DatabricksOptions {
  host: string;
  port: number;
  httpPath: string;
  auth:
    | { type: "token"; token: string }
    | { type: "oauth-m2m"; clientId: string; clientSecret: string }
    /** Tokens from elsewhere, asked for whenever the driver needs one: a member's own (OAuth user-to-machine). */
    | { type: "external"; token: () => Promise<string> };
  defaultCatalog?: string | null;
  defaultSchema?: string | null;
  /** How long to keep retrying while a warehouse starts (HTTP 503). */
  startupWaitMs?: number;
  /** Where the driver's messages go: the server's log unless given. */
  logger?: Logger;
  /**
   * The warehouse's own statement timeout, in seconds: STATEMENT_TIMEOUT for
   * the session (what SQL warehouses honour) and each statement's queryTimeout
   * (what clusters honour). It holds even if this server goes away mid-query.
   */
  statementTimeoutSeconds?: number;
  /**
   * Where the engine may connect (lib/server/network/warehouse-policy.ts):
   * checked before the first request, and on every socket the driver opens.
   * Connections members and admins save always have one; tests that drive the
   * engine directly against the local test warehouse may leave it out.
   */
  policy?: WarehousePolicy;
  /**
   * Let the warehouse answer large results with links into the workspace's
   * cloud storage (CloudFetch), which this server then downloads: on unless
   * the connection turns it off, as in the driver.
   */
  cloudFetch?: boolean;
  /** The workspace user the `external` token signs in as (shown with results: "Ran as …"), never trusted. */
  ranAs?: string;
  /** False for members who are not admins: failures to reach the warehouse read the same (errors.ts). */
  revealNetwork?: boolean;
}

/** How long to keep retrying while a warehouse starts, unless the options say otherwise. */
export const STARTUP_WAIT_MS = 120_000;
