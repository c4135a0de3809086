import "server-only";
import { UserError } from "@/lib/action-result";
import { deleteMemberTokenIf, findMemberToken, rotateMemberToken } from "../db/queries/member-tokens";
import type { Connection, MemberToken } from "../db/schema";
import { refreshMember } from "../engines/databricks/workspace-oauth";
import { EngineError } from "../engines/types";
import { log } from "../log";
import { runtime } from "../runtime";
import { CALLBACK_PATH, openRefreshToken, sealRefreshToken, workspaceApp } from "./member-oauth";

/** An access token is renewed this long before it expires (the driver asks for a new one at the same point). */
const RENEW_BEFORE_MS = 5 * 60_000;

/** What a member without a (working) Databricks sign-in of their own reads, with the code the UI offers "Connect with Databricks" for. */
export function connectFirst(connectionName: string): UserError {
  return new UserError(`Connect with Databricks to run queries on ${connectionName}.`, "databricks-sign-in");
}

// Per process: each member's current access token, and the one refresh in flight per (connection, member),
// so that two runs never spend one refresh token twice (the workspace rotates them: the second would be refused).
const holder = globalThis as {
  /** `since`: when the sign-in the token came from was made (a newer sign-in replaces it). */
  __lakebookMemberAccess?: Map<string, { token: string; renewAt: number; since: number }>;
  __lakebookMemberRefresh?: Map<string, Promise<string>>;
};
holder.__lakebookMemberAccess ??= new Map();
holder.__lakebookMemberRefresh ??= new Map();
const current = holder.__lakebookMemberAccess;
const pending = holder.__lakebookMemberRefresh;

const keyOf = (connectionId: string, userId: string) => `${connectionId}/${userId}`;

/**
 * The member's sign-in, read from the store on every use, with a working
 * access token: a disconnect or a new sign-in made through another server
 * sharing the store counts at once. `connectFirst` without one.
 */
export async function checkedSignIn(row: Connection, userId: string): Promise<MemberToken> {
  const signIn = await findMemberToken((await runtime()).db, row.id, userId);
  const key = keyOf(row.id, userId);
  if (current.get(key)?.since !== signIn?.createdAt.getTime()) current.delete(key);
  if (!signIn) throw connectFirst(row.name);
  await memberAccessToken(row, userId);
  return signIn;
}

/**
 * The member's access token for a user-to-machine connection: the cached one
 * until 5 minutes before it expires, else a refresh with their stored refresh
 * token, whose successor is stored at once. A member with no sign-in, or whose
 * refresh the workspace refused, gets `connectFirst` (the refused row is deleted).
 */
export function memberAccessToken(row: Connection, userId: string): Promise<string> {
  const key = keyOf(row.id, userId);
  const cached = current.get(key);
  if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
  let flight = pending.get(key);
  if (!flight) {
    flight = refresh(row, userId).finally(() => pending.delete(key));
    pending.set(key, flight);
  }
  return flight;
}

/** Forgets cached access tokens: of one member, or of every member of the connection. */
export function forgetMemberAccess(connectionId: string, userId?: string): void {
  for (const key of current.keys())
    if (userId ? key === keyOf(connectionId, userId) : key.startsWith(`${connectionId}/`)) current.delete(key);
}

async function refresh(row: Connection, userId: string, again = true): Promise<string> {
  const { db } = await runtime();
  const stored = await findMemberToken(db, row.id, userId);
  if (!stored) throw connectFirst(row.name);
  let refreshToken: string;
  try {
    refreshToken = await openRefreshToken(row.id, userId, stored.sealedRefreshToken);
  } catch (error) {
    log.warn(`a member's Databricks sign-in on connection ${row.id} does not open: deleted`, error);
    await deleteMemberTokenIf(db, row.id, userId, stored.sealedRefreshToken);
    throw connectFirst(row.name);
  }
  // Only refreshes send no redirect URL: the path alone stands in for it.
  const app = await workspaceApp(row, CALLBACK_PATH);
  let tokens: Awaited<ReturnType<typeof refreshMember>>;
  try {
    tokens = await refreshMember(app, refreshToken);
  } catch (error) {
    if (!EngineError.is(error) || !error.details.signInRefused) throw error;
    // Refused. Another server of this metadata store may have rotated it meanwhile: then its successor is tried once.
    const now = await findMemberToken(db, row.id, userId);
    if (again && now && now.sealedRefreshToken !== stored.sealedRefreshToken) return refresh(row, userId, false);
    await deleteMemberTokenIf(db, row.id, userId, stored.sealedRefreshToken);
    throw connectFirst(row.name);
  }
  const sealed = await sealRefreshToken(row.id, userId, tokens.refreshToken);
  // A disconnect (or a new sign-in) while this refresh ran wins: its tokens are not used.
  if (!(await rotateMemberToken(db, row.id, userId, stored.sealedRefreshToken, sealed))) throw connectFirst(row.name);
  rememberMemberAccess(row.id, userId, tokens, stored.createdAt);
  return tokens.accessToken;
}

/** Keeps the access token a sign-in just brought, so the first run needs no refresh. */
export function rememberMemberAccess(
  connectionId: string,
  userId: string,
  tokens: { accessToken: string; expiresAt: number },
  since: Date,
): void {
  current.set(keyOf(connectionId, userId), {
    token: tokens.accessToken,
    renewAt: Math.max(Date.now(), tokens.expiresAt - RENEW_BEFORE_MS),
    since: since.getTime(),
  });
}
