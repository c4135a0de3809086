import "server-only";
import { randomUUID } from "node:crypto";
import { notFoundError, UserError } from "@/lib/action-result";
import type { ConnectionView } from "@/lib/connections";
import { usesClientId } from "@/lib/schemas/connections";
import { BUILTIN_ID, type ConnectionInput, canManage, manageable, usable } from "./connections/access";
import { allowedHost, changesWhereSecretGoes, secretAgainMessage } from "./connections/destination";
import { forgetEngine } from "./connections/engines";
import { dropSignInsOn } from "./connections/sign-ins";
import { connectionContext } from "./crypto/reseal";
import { seal } from "./crypto/seal";
import {
  connectionNameList,
  deleteConnection,
  insertConnection,
  updateConnection,
  visibleConnections,
} from "./db/queries/connections";
import type { Connection, User } from "./db/schema";
import { runtime } from "./runtime";

/**
 * Warehouse connections: listing, saving and removing them. Who may use or
 * manage one is in connections/access.ts, where a secret may be sent in
 * connections/destination.ts, and the engines that run on them in
 * connections/engines.ts.
 */

export async function listConnections(user: User): Promise<ConnectionView[]> {
  const { db } = await runtime();
  const rows = await visibleConnections(db, user.id);
  return [builtinView(), ...rows.map((row) => view(row, canManage(user, row)))];
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

export async function saveConnection(user: User, input: ConnectionInput): Promise<ConnectionView> {
  const { db, secretKey } = await runtime();
  // Editing: the stored connection decides who may change it; then what it becomes.
  const existing = input.id ? await manageable(user, input.id) : null;
  if (input.scope === "shared" && user.role !== "admin") {
    throw new UserError(
      existing ? "Only an admin can share a connection." : "Only an admin can add shared connections.",
      "forbidden",
    );
  }
  const secret = input.secret?.trim() ?? "";
  const host = await allowedHost(user, input.host, input.port, true);
  const clientId = usesClientId(input.authType) ? (input.clientId ?? null) : null;
  const moved = existing !== null && changesWhereSecretGoes(existing, { ...input, host, clientId });
  // A user-to-machine app may be public (no secret): moved without one typed, the stored secret is dropped, never sent on.
  const dropSecret = moved && !secret && input.authType === "oauth-u2m";
  if (moved && !secret && !dropSecret) throw new UserError(secretAgainMessage(input.authType));
  const fields = {
    name: input.name,
    host,
    port: String(input.port),
    httpPath: input.httpPath,
    authType: input.authType,
    clientId,
    defaultCatalog: input.defaultCatalog || null,
    defaultSchema: input.defaultSchema || null,
    cloudFetch: input.cloudFetch ?? existing?.cloudFetch ?? true,
    scope: input.scope,
  };
  if (!existing) {
    if (!secret && input.authType !== "oauth-u2m")
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
    ...(secret || dropSecret
      ? { sealedSecret: seal(secretKey, secret, connectionContext(existing.id)), secretHint: hint(secret) }
      : {}),
  });
  if (!row) throw notFoundError();
  // Members' refresh tokens belong to the workspace and app they signed in to: never sent anywhere else.
  if (moved || input.authType !== "oauth-u2m") await dropSignInsOn(db, existing.id);
  forgetEngine(existing.id);
  return view(row, true);
}

export async function removeConnection(user: User, id: string): Promise<void> {
  const existing = await manageable(user, id);
  const { db } = await runtime();
  // The members' sign-ins would go with the row (ON DELETE CASCADE); this also forgets their cached access tokens.
  await dropSignInsOn(db, existing.id);
  await deleteConnection(db, existing.id);
  forgetEngine(existing.id);
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
    cloudFetch: false,
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
    cloudFetch: row.cloudFetch,
    scope: row.scope,
    canManage: manage,
  };
}
