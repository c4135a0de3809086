import "server-only";
import { UserError } from "@/lib/action-result";
import { usesClientId } from "@/lib/schemas/connections";
import { config } from "../config";
import type { Connection, MemberToken, User } from "../db/schema";
import { DatabricksEngine } from "../engines/databricks/engine";
import { databricksError } from "../engines/databricks/errors";
import { guardedAgent } from "../engines/databricks/guarded-connection";
import { workspaceOAuth } from "../engines/databricks/workspace-oauth";
import { type ConnectionCheck, type Engine, EngineError } from "../engines/types";
import { warehousePolicy } from "../network/warehouse-policy";
import { runtime } from "../runtime";
import { BUILTIN_ID, type ConnectionInput, manageable, revealsNetwork, usable } from "./access";
import { allowedHost, changesWhereSecretGoes, secretAgainMessage } from "./destination";
import { checkedSignIn, memberAccessToken } from "./member-tokens";
import { openSecret } from "./secret";

/** Tests a saved connection, or the values of a form before saving (with the stored secret if none is typed). */
export async function checkConnection(user: User, input: ConnectionInput | { id: string }): Promise<ConnectionCheck> {
  if (!("host" in input)) {
    if (input.id === BUILTIN_ID) return (await runtime()).engine.testConnection();
    const row = await usable(user, input.id);
    if (row.authType === "oauth-u2m") return checkMemberOAuth(user, row.host, Number(row.port));
    return (await engineFor(user, input.id)).testConnection();
  }
  let host: string;
  try {
    host = await allowedHost(user, input.host, input.port, false);
  } catch (error) {
    if (UserError.is(error)) return { ok: false, message: error.message };
    throw error;
  }
  if (input.authType === "oauth-u2m") return checkMemberOAuth(user, host, input.port);
  let secret = input.secret?.trim() ?? "";
  if (!secret && input.id) {
    const existing = await manageable(user, input.id);
    const clientId = usesClientId(input.authType) ? (input.clientId ?? null) : null;
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
const holder = globalThis as { __lakebookEngines?: Map<string, { version: string; engine: Engine }> };
holder.__lakebookEngines ??= new Map();
const engines = holder.__lakebookEngines;

/** The engine behind a connection the user may use. */
export async function engineFor(user: User, connectionId: string): Promise<Engine> {
  if (connectionId === BUILTIN_ID) return (await runtime()).engine;
  const row = await usable(user, connectionId);
  // A member's own identity is checked on every use: a refused sign-in asks them to connect before the run starts.
  const signIn = row.authType === "oauth-u2m" ? await checkedSignIn(row, user.id) : null;
  // A new sign-in (perhaps as another workspace user) is a new version: results must say whose it is.
  const version = `${row.updatedAt.getTime()}/${signIn?.createdAt.getTime() ?? ""}`;
  // The role is part of the key: what an engine's errors reveal depends on it.
  const key = `${row.id}/${user.id}/${user.role}`;
  const cached = engines.get(key);
  if (cached && cached.version === version) return cached.engine;
  if (cached) void cached.engine.close();
  const identity = signIn
    ? memberAuth(row, user, signIn)
    : { auth: authFor(row.authType, row.clientId, await openSecret(row)) };
  const engine = new DatabricksEngine({
    ...engineOptions(row),
    ...identity,
    statementTimeoutSeconds: config().LAKEBOOK_STATEMENT_TIMEOUT,
    policy: warehousePolicy(),
    revealNetwork: revealsNetwork(user),
  });
  engines.set(key, { version, engine });
  return engine;
}

/** Closes every Databricks engine: their sessions on the warehouses and their driver clients. */
export async function closeAllEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map(({ engine }) => engine.close()));
}

/** Closes the cached engines of a connection: every member's, or one member's (they disconnected). */
export function forgetEngine(connectionId: string, userId?: string): void {
  for (const [key, cached] of engines) {
    if (!key.startsWith(userId ? `${connectionId}/${userId}/` : `${connectionId}/`)) continue;
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

/** A member's own identity (OAuth user-to-machine): the driver asks for their access token whenever it needs one. */
function memberAuth(row: Connection, user: User, signIn: MemberToken) {
  const token = () =>
    memberAccessToken(row, user.id).catch((error) => {
      // Inside the driver only an engine error keeps its words.
      throw UserError.is(error) ? new EngineError(error.message) : error;
    });
  return { auth: { type: "external", token } as const, ranAs: signIn.workspaceUser };
}

/**
 * Testing a user-to-machine connection: nobody's token is used, so only the
 * workspace's OAuth server is asked (discovery, through the warehouse policy).
 */
async function checkMemberOAuth(user: User, host: string, port: number): Promise<ConnectionCheck> {
  try {
    const issuer = await workspaceOAuth(host, port, guardedAgent(warehousePolicy()));
    if (!issuer.metadata.authorization_endpoint || !issuer.metadata.token_endpoint)
      return {
        ok: false,
        message: "The workspace's OAuth server does not offer members' sign-in (authorization-code flow).",
      };
    return {
      ok: true,
      detail:
        "The workspace's OAuth server answered. No query was run: each member connects with Databricks to run queries as themselves.",
    };
  } catch (error) {
    return { ok: false, message: databricksError(error, revealsNetwork(user)).message };
  }
}

function authFor(type: Connection["authType"], clientId: string | null, secret: string) {
  return type === "token"
    ? ({ type: "token", token: secret } as const)
    : ({ type: "oauth-m2m", clientId: clientId ?? "", clientSecret: secret } as const);
}
