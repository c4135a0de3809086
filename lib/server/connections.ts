import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import type { ConnectionView } from "@/lib/connections";
import type { connectionInput } from "@/lib/schemas/connections";
import { config } from "./config";
import { openWithKeyring } from "./crypto/keyring";
import { connectionContext, resealConnection } from "./crypto/reseal";
import { seal } from "./crypto/seal";
import {
  connectionNameList,
  deleteConnection,
  findConnection,
  insertConnection,
  updateConnection,
  visibleConnections,
} from "./db/queries/connections";
import type { Connection, User } from "./db/schema";
import { DatabricksEngine } from "./engines/databricks/engine";
import type { ConnectionCheck, Engine } from "./engines/types";
import { log } from "./log";
import { canonicalHost } from "./network/hosts";
import { checkTarget, resolveChecked, WarehouseRefusal, warehousePolicy } from "./network/warehouse-policy";
import { runtime } from "./runtime";

export const BUILTIN_ID = "builtin";

/**
 * Who may do what with a connection: everyone uses shared ones and admins
 * manage them; a personal connection exists only for its owner. Anything a
 * user may not use looks exactly like a connection that does not exist.
 */
function canUse(user: User, connection: Connection): boolean {
  return connection.scope === "shared" || connection.ownerId === user.id;
}

function canManage(user: User, connection: Connection): boolean {
  return connection.scope === "shared" ? user.role === "admin" : connection.ownerId === user.id;
}

export async function listConnections(user: User): Promise<ConnectionView[]> {
  const { db } = await runtime();
  const rows = await visibleConnections(db, user.id);
  return [builtinView(), ...rows.map((row) => view(row, canManage(user, row)))];
}

async function usable(user: User, id: string): Promise<Connection> {
  const { db } = await runtime();
  const row = await findConnection(db, id);
  if (!row || !canUse(user, row)) throw new UserError(NOT_FOUND);
  return row;
}

/** Refuses a connection the user may not use, exactly as if it did not exist. */
export async function requireConnection(user: User, id: string): Promise<void> {
  if (id !== BUILTIN_ID) await usable(user, id);
}

/** Names of connections by id, for lists that show where something runs. */
export async function connectionNames(): Promise<Map<string, string>> {
  const { db } = await runtime();
  const rows = await connectionNameList(db);
  return new Map([[BUILTIN_ID, builtinView().name], ...rows.map((r): [string, string] => [r.id, r.name])]);
}

async function manageable(user: User, id: string): Promise<Connection> {
  const row = await usable(user, id);
  if (!canManage(user, row)) throw new UserError("Only an admin can change a shared connection.");
  return row;
}

type ConnectionInput = z.infer<typeof connectionInput>;

/** Whether network detail (what failed, which address) may be shown to this user: admins only. */
function revealsNetwork(user: User): boolean {
  return user.role === "admin";
}

/**
 * The host the policy allows for this input, in canonical form, or a
 * UserError: the detail for admins, for members nothing about the network.
 * With `resolve`, the name's addresses are checked too; a name that does not
 * resolve now is let through (every connection checks again as it connects).
 */
async function allowedHost(user: User, host: string, port: number, resolve: boolean): Promise<string> {
  const policy = warehousePolicy();
  try {
    const canonical = checkTarget(policy, host, port);
    if (resolve)
      await resolveChecked(policy, canonical).catch((error) => {
        if (WarehouseRefusal.is(error)) throw error;
      });
    return canonical;
  } catch (error) {
    if (!WarehouseRefusal.is(error)) throw error;
    if (!revealsNetwork(user)) log.warn(`refused a member's warehouse connection: ${error.message}`);
    throw new UserError(revealsNetwork(user) ? error.message : error.memberMessage);
  }
}

/**
 * The fields that decide where a stored secret is sent: changing any of them
 * needs the secret typed again, so no one (an admin's session included) can
 * send a secret someone else stored to a host of their choosing.
 */
function changesWhereSecretGoes(
  existing: Connection,
  next: { host: string; port: number; httpPath: string; authType: Connection["authType"]; clientId: string | null },
): boolean {
  return (
    // Rows saved before hosts were stored canonical compare in that form.
    (canonicalHost(existing.host) ?? existing.host) !== next.host ||
    Number(existing.port) !== next.port ||
    existing.httpPath !== next.httpPath ||
    existing.authType !== next.authType ||
    (existing.clientId ?? null) !== (next.authType === "oauth-m2m" ? next.clientId : null)
  );
}

function secretAgainMessage(authType: Connection["authType"]): string {
  return `Enter the ${authType === "token" ? "access token" : "client secret"} again: a changed server hostname, port, HTTP path, authentication type or client ID needs it.`;
}

export async function saveConnection(user: User, input: ConnectionInput): Promise<ConnectionView> {
  const { db, secretKey } = await runtime();
  // Editing: the stored connection decides who may change it; then what it becomes.
  const existing = input.id ? await manageable(user, input.id) : null;
  if (input.scope === "shared" && user.role !== "admin") {
    throw new UserError(
      existing ? "Only an admin can share a connection." : "Only an admin can add shared connections.",
    );
  }
  const secret = input.secret?.trim() ?? "";
  const host = await allowedHost(user, input.host, input.port, true);
  const clientId = input.authType === "oauth-m2m" ? (input.clientId ?? null) : null;
  if (existing && !secret && changesWhereSecretGoes(existing, { ...input, host, clientId }))
    throw new UserError(secretAgainMessage(input.authType));
  const fields = {
    name: input.name,
    host,
    port: String(input.port),
    httpPath: input.httpPath,
    authType: input.authType,
    clientId,
    defaultCatalog: input.defaultCatalog || null,
    defaultSchema: input.defaultSchema || null,
    scope: input.scope,
  };
  if (!existing) {
    if (!secret)
      throw new UserError(input.authType === "token" ? "Enter the access token." : "Enter the client secret.");
    const id = randomUUID();
    const row = await insertConnection(db, {
      id,
      ...fields,
      ownerId: user.id,
      sealedSecret: seal(secretKey, secret, connectionContext(id)),
      secretHint: hint(secret),
    });
    return view(row, true);
  }
  const row = await updateConnection(db, existing.id, {
    ...fields,
    ...(secret
      ? { sealedSecret: seal(secretKey, secret, connectionContext(existing.id)), secretHint: hint(secret) }
      : {}),
  });
  if (!row) throw new UserError(NOT_FOUND);
  forgetEngine(existing.id);
  return view(row, true);
}

export async function removeConnection(user: User, id: string): Promise<void> {
  const existing = await manageable(user, id);
  await deleteConnection((await runtime()).db, existing.id);
  forgetEngine(existing.id);
}

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

function forgetEngine(connectionId: string): void {
  for (const [key, cached] of engines) {
    if (!key.startsWith(`${connectionId}/`)) continue;
    engines.delete(key);
    void cached.engine.close();
  }
}

/**
 * A connection's secret. One sealed under the previous key (a rotation in
 * progress) is sealed again under the current key as it is used.
 */
async function openSecret(row: Connection): Promise<string> {
  const { db, keys } = await runtime();
  const { plaintext, stale } = openWithKeyring(keys, row.sealedSecret, connectionContext(row.id));
  if (stale) {
    // The secret is open either way: a metadata store that fails now leaves it for the next use or keys:reseal.
    await resealConnection(db, keys, row.id, row.sealedSecret, plaintext).then(
      () => log.info(`sealed the secret of connection ${row.id} again under the current key`),
      (error) => log.warn(`could not seal the secret of connection ${row.id} again under the current key`, error),
    );
  }
  return plaintext;
}

function engineOptions(c: Pick<Connection, "host" | "port" | "httpPath" | "defaultCatalog" | "defaultSchema">) {
  return {
    host: c.host,
    port: Number(c.port),
    httpPath: c.httpPath,
    defaultCatalog: c.defaultCatalog || null,
    defaultSchema: c.defaultSchema || null,
  };
}

function authFor(type: Connection["authType"], clientId: string | null, secret: string) {
  return type === "token"
    ? ({ type: "token", token: secret } as const)
    : ({ type: "oauth-m2m", clientId: clientId ?? "", clientSecret: secret } as const);
}

function hint(secret: string): string {
  return secret.length >= 12 ? secret.slice(-4) : "";
}

function builtinView(): ConnectionView {
  return {
    id: BUILTIN_ID,
    name: "Built-in warehouse (DuckDB)",
    kind: "builtin",
    dialect: "duckdb",
    host: "",
    port: 0,
    httpPath: "",
    authType: null,
    clientId: null,
    secretHint: null,
    defaultCatalog: "workspace",
    defaultSchema: "default",
    scope: "shared",
    canManage: false,
  };
}

/** What the browser may see of a connection: never the secret, only that one is set. */
function view(row: Connection, manage: boolean): ConnectionView {
  return {
    id: row.id,
    name: row.name,
    kind: "databricks",
    dialect: "databricks",
    host: row.host,
    port: Number(row.port),
    httpPath: row.httpPath,
    authType: row.authType,
    clientId: row.clientId,
    secretHint: row.secretHint,
    defaultCatalog: row.defaultCatalog,
    defaultSchema: row.defaultSchema,
    scope: row.scope,
    canManage: manage,
  };
}
