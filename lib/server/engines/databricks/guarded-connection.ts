import "server-only";
import https from "node:https";
import type { DBSQLClient } from "@databricks/sql";
import HttpConnection from "@databricks/sql/dist/connection/connections/HttpConnection";
import type IConnectionOptions from "@databricks/sql/dist/connection/contracts/IConnectionOptions";
import type IClientContext from "@databricks/sql/dist/contracts/IClientContext";
import { checkLiteralAddress, guardedLookup, type WarehousePolicy } from "../../network/warehouse-policy";

/**
 * The driver's HTTPS agent carries every request it makes — Thrift calls,
 * OAuth token requests, CloudFetch downloads. This one has the same settings
 * as the driver's own (driver 2.1.0, HttpConnection.createHttpsAgent) plus a
 * `lookup` that resolves, checks and pins each socket's address, and a check
 * of literal IP addresses (for which Node does no lookup).
 */
class GuardedAgent extends https.Agent {
  constructor(
    private readonly policy: WarehousePolicy,
    options: https.AgentOptions,
  ) {
    super({ ...options, lookup: guardedLookup(policy) });
  }

  createConnection(...args: Parameters<https.Agent["createConnection"]>) {
    const [options] = args as unknown as [{ host?: string }];
    if (options?.host) checkLiteralAddress(this.policy, options.host);
    return (
      https.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => unknown }
    ).createConnection.apply(this, args) as ReturnType<https.Agent["createConnection"]>;
  }
}

class GuardedConnection extends HttpConnection {
  private guardedAgent?: GuardedAgent;

  constructor(
    private readonly settings: IConnectionOptions,
    private readonly clientContext: IClientContext,
    private readonly policy: WarehousePolicy,
  ) {
    super(settings, clientContext);
  }

  async getAgent(): Promise<https.Agent> {
    // The engine never gives the driver a proxy, and always HTTPS.
    this.guardedAgent ??= new GuardedAgent(this.policy, {
      keepAlive: true,
      keepAliveMsecs: 10_000,
      maxSockets: Number.POSITIVE_INFINITY,
      timeout: this.settings.socketTimeout ?? this.clientContext.getConfig().socketTimeout,
      minVersion: "TLSv1.2",
      rejectUnauthorized: this.settings.rejectUnauthorized ?? true,
      ca: this.settings.ca,
      cert: this.settings.cert,
      key: this.settings.key,
    });
    return this.guardedAgent;
  }
}

/** An agent for Lakebook's own requests to a workspace (its OAuth server), under the same policy as the driver's. */
export function guardedAgent(policy: WarehousePolicy): https.Agent {
  return new GuardedAgent(policy, { keepAlive: true, keepAliveMsecs: 10_000, minVersion: "TLSv1.2" });
}

/**
 * Makes `client` send everything through a GuardedAgent. The driver creates
 * its connection provider in `connect()` through a private method; replacing
 * it on this instance is the one seam the driver offers (checked against
 * 2.1.0 by tests/warehouse-policy.test.ts, which connects through it).
 */
export function guardClient(client: DBSQLClient, policy: WarehousePolicy): void {
  const internals = client as unknown as {
    getConnectionOptions(options: unknown): IConnectionOptions;
    createConnectionProvider(options: unknown): HttpConnection;
  };
  if (typeof internals.getConnectionOptions !== "function" || typeof internals.createConnectionProvider !== "function")
    throw new Error("This version of @databricks/sql cannot be given a guarded connection.");
  internals.createConnectionProvider = (options) =>
    new GuardedConnection(internals.getConnectionOptions(options), client as unknown as IClientContext, policy);
}
