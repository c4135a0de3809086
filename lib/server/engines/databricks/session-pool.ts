import "server-only";
import https from "node:https";
import { DBSQLClient } from "@databricks/sql";
import type IDBSQLSession from "@databricks/sql/dist/contracts/IDBSQLSession";
import { LAKEBOOK_VERSION } from "@/lib/version";
import { checkTarget, resolveChecked } from "../../network/warehouse-policy";
import type { EngineError, Progress } from "../types";
import { isExpiredSession } from "./errors";
import { guardClient, guardedAgent } from "./guarded-connection";
import { driverLogger } from "./logger";
import { type DatabricksOptions, STARTUP_WAIT_MS } from "./options";
import { whileStarting } from "./retries";
import { ClientCredentials, workspaceOAuth } from "./workspace-oauth";

const IDLE_SESSIONS = 4;

/**
 * One driver client, connected on first use, and a few idle warehouse
 * sessions kept for reuse.
 */
export class SessionPool {
  private client: Promise<DBSQLClient> | null = null;
  private readonly idle: IDBSQLSession[] = [];

  constructor(
    private readonly options: DatabricksOptions,
    private readonly failure: (error: unknown) => EngineError,
  ) {}

  private credentials: ClientCredentials | null = null;

  private servicePrincipal(
    auth: { clientId: string; clientSecret: string },
    host: string,
    port: number,
  ): ClientCredentials {
    if (!this.credentials) {
      const { policy } = this.options;
      const agent = policy ? guardedAgent(policy) : new https.Agent({ keepAlive: true, minVersion: "TLSv1.2" });
      let issuer: ReturnType<typeof workspaceOAuth> | null = null;
      const discover = () => {
        issuer ??= workspaceOAuth(host, port, agent).catch((error) => {
          issuer = null;
          throw error;
        });
        return issuer;
      };
      this.credentials = new ClientCredentials(discover, auth.clientId, auth.clientSecret, agent);
    }
    return this.credentials;
  }

  private connect(): Promise<DBSQLClient> {
    this.client ??= (async () => {
      const { auth } = this.options;
      const secrets = auth.type === "token" ? [auth.token] : auth.type === "oauth-m2m" ? [auth.clientSecret] : [];
      const client = new DBSQLClient({ logger: driverLogger(secrets, this.options.logger) });
      // TIMESTAMP and DECIMAL arrive as the server's exact text instead of a
      // Date (which drops microseconds) or a float.
      (client.getConfig() as { useArrowNativeTypes?: boolean }).useArrowNativeTypes = false;
      client.on("error", () => {});
      const { port, httpPath, policy } = this.options;
      let { host } = this.options;
      if (policy) {
        host = checkTarget(policy, host, port);
        await resolveChecked(policy, host);
        guardClient(client, policy);
      }
      const wait = this.options.startupWaitMs ?? STARTUP_WAIT_MS;
      await client.connect({
        host,
        port,
        path: httpPath,
        telemetryEnabled: false,
        // The warehouse's query history names the client: "… (Lakebook/0.1.0; Node.js …)".
        userAgentEntry: `Lakebook/${LAKEBOOK_VERSION}`,
        preserveBigNumericPrecision: true,
        retriesTimeout: wait,
        retryDelayMin: 1_000,
        retryDelayMax: 10_000,
        ...(auth.type === "token"
          ? { token: auth.token }
          : auth.type === "external"
            ? { authType: "external-token" as const, getToken: auth.token }
            : {
                // Lakebook asks the workspace for the service principal's tokens itself (workspace-oauth.ts):
                // the same OAuth client serves members' own identities, and any host and port the policy allows.
                authType: "external-token" as const,
                getToken: () => this.servicePrincipal(auth, host, port).token(),
              }),
      });
      return client;
    })().catch((error) => {
      this.client = null;
      throw this.failure(error);
    });
    return this.client;
  }

  /** An idle session, or a new one when there is none or `fresh` is asked for. */
  async acquire(fresh = false, progress?: Progress): Promise<IDBSQLSession> {
    if (!fresh) {
      const pooled = this.idle.pop();
      if (pooled) return pooled;
    }
    const client = await this.connect();
    try {
      return await whileStarting(
        () =>
          client.openSession({
            initialCatalog: this.options.defaultCatalog ?? undefined,
            initialSchema: this.options.defaultSchema ?? undefined,
            configuration: this.options.statementTimeoutSeconds
              ? { STATEMENT_TIMEOUT: String(this.options.statementTimeoutSeconds) }
              : undefined,
          }),
        this.options.startupWaitMs ?? STARTUP_WAIT_MS,
        progress,
      );
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Keeps the session for the next caller, or closes it when enough are kept. */
  release(session: IDBSQLSession): void {
    if (this.idle.length < IDLE_SESSIONS) this.idle.push(session);
    else void session.close().catch(() => {});
  }

  /** Runs `work` on a pooled session; once more on a new session if the old one expired. */
  async withSession<T>(work: (session: IDBSQLSession) => Promise<T>): Promise<T> {
    let session = await this.acquire();
    try {
      const result = await work(session);
      this.release(session);
      return result;
    } catch (error) {
      void session.close().catch(() => {});
      if (!isExpiredSession(error)) throw this.failure(error);
      session = await this.acquire(true);
      try {
        const result = await work(session);
        this.release(session);
        return result;
      } catch (retryError) {
        void session.close().catch(() => {});
        throw this.failure(retryError);
      }
    }
  }

  async close(): Promise<void> {
    for (const session of this.idle.splice(0)) await session.close().catch(() => {});
    const client = await this.client?.catch(() => null);
    await client?.close().catch(() => {});
    this.client = null;
  }
}
