import "server-only";
import { UserError } from "@/lib/action-result";
import { config } from "../config";
import type { Connection, User } from "../db/schema";
import { DatabricksEngine } from "../engines/databricks/engine";
import type { ConnectionCheck, Engine } from "../engines/types";
import { warehousePolicy } from "../network/warehouse-policy";
import { runtime } from "../runtime";
import { BUILTIN_ID, type ConnectionInput, manageable, revealsNetwork, usable } from "./access";
import { allowedHost, changesWhereSecretGoes, secretAgainMessage } from "./destination";
import { openSecret } from "./secret";

/** Tests a saved connection, or the values of a form before saving (with the stored secret if none is typed). */
export async function checkConnection(user: User, input: ConnectionInput | { id: string }): Promise<ConnectionCheck> {
  if (!("host" in input)) {
    if (input.id === BUILTIN_ID) return (await runtime()).engine.testConnection();
    return (await engineFor(user, input.id)).testConnection();
  }
  let host: string;
  try {
    host = await allowedHost(user, input.host, input.port, false);
  } catch (error) {
    if (UserError.is(error)) return { ok: false, message: error.message };
    throw error;
  }
  let secret = input.secret?.trim() ?? "";
  if (!secret && input.id) {
    const existing = await manageable(user, input.id);
    const clientId = input.authType === "oauth-m2m" ? (input.clientId ?? null) : null;
    if (changesWhereSecretGoes(existing, { ...input, host, clientId }))
      return { ok: false, message: secretAgainMessage(input.authType) };
    secret = await openSecret(existing);
  }
  if (!secret)
    return { ok: false, message: input.authType === "token" ? "Enter the access token." : "Enter the client secret." };
  const engine = new DatabricksEngine({
    ...engineOptions({
      ...input,
      host,
      port: String(input.port),
      defaultCatalog: input.defaultCatalog ?? null,
      defaultSchema: input.defaultSchema ?? null,
      cloudFetch: input.cloudFetch ?? true,
    }),
    auth: authFor(input.authType, input.clientId ?? null, secret),
    startupWaitMs: 20_000,
    policy: warehousePolicy(),
    revealNetwork: revealsNetwork(user),
  });
  try {
    return await engine.testConnection();
  } finally {
    await engine.close();
  }
}

// One engine (driver client and session pool) per connection, version and user:
// pooled warehouse sessions keep USE/SET state, which must not pass between people.
const holder = globalThis as { __lakebookEngines?: Map<string, { version: number; engine: Engine }> };
holder.__lakebookEngines ??= new Map();
const engines = holder.__lakebookEngines;

/** The engine behind a connection the user may use. */
export async function engineFor(user: User, connectionId: string): Promise<Engine> {
  if (connectionId === BUILTIN_ID) return (await runtime()).engine;
  const row = await usable(user, connectionId);
  // The role is part of the key: what an engine's errors reveal depends on it.
  const key = `${row.id}/${user.id}/${user.role}`;
  const cached = engines.get(key);
  if (cached && cached.version === row.updatedAt.getTime()) return cached.engine;
  if (cached) void cached.engine.close();
  const engine = new DatabricksEngine({
    ...engineOptions(row),
    auth: authFor(row.authType, row.clientId, await openSecret(row)),
    statementTimeoutSeconds: config().LAKEBOOK_STATEMENT_TIMEOUT,
    policy: warehousePolicy(),
    revealNetwork: revealsNetwork(user),
  });
  engines.set(key, { version: row.updatedAt.getTime(), engine });
  return engine;
}

/** Closes every Databricks engine: their sessions on the warehouses and their driver clients. */
export async function closeAllEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map(({ engine }) => engine.close()));
}

export function forgetEngine(connectionId: string): void {
  for (const [key, cached] of engines) {
    if (!key.startsWith(`${connectionId}/`)) continue;
    engines.delete(key);
    void cached.engine.close();
  }
}

function engineOptions(
  c: Pick<Connection, "host" | "port" | "httpPath" | "defaultCatalog" | "defaultSchema" | "cloudFetch">,
) {
  return {
    host: c.host,
    port: Number(c.port),
    httpPath: c.httpPath,
    defaultCatalog: c.defaultCatalog || null,
    defaultSchema: c.defaultSchema || null,
    cloudFetch: c.cloudFetch,
  };
}

function authFor(type: Connection["authType"], clientId: string | null, secret: string) {
  return type === "token"
    ? ({ type: "token", token: secret } as const)
    : ({ type: "oauth-m2m", clientId: clientId ?? "", clientSecret: secret } as const);
}
