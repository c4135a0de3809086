import "server-only";
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { decode, getToken, type JWT, type JWTDecodeParams } from "next-auth/jwt";
import { config } from "../config";
import type { Db } from "../db/client";
import { deleteEndedSessions, findLiveSession, insertSession, revokeSession } from "../db/queries/sessions";
import type { User } from "../db/schema";
import { log } from "../log";
import type { SessionCache } from "./session-cache";

/**
 * Server-side sessions. A sign-in creates a row in `user_sessions` with an
 * absolute end (now + LAKEBOOK_SESSION_HOURS); the session cookie (next-auth's
 * encrypted JWT) carries nothing but the row's id, `sid`. Every request checks
 * the row: refreshing the cookie (next-auth re-issues it on each
 * GET /api/auth/session) never moves the end, and revoking the row (sign out
 * everywhere, a password change or reset, an admin disabling the member) ends
 * the session at once on every instance. A server keeps the sessions it has
 * checked in a cache that every change empties (session-cache.ts).
 */

/** A signed-in member and the session they use. */
export interface SignedIn {
  user: User;
  sessionId: string;
}

/** Ended sessions are deleted at most this often (on sign-in), so the table holds only live ones and recent ends. */
const PRUNE_INTERVAL_MS = 10 * 60_000;
let lastPrune = 0;

/** Starts a session for `userId` and returns its id, the only thing the cookie carries. */
export async function startSession(db: Db, userId: string, now = new Date()): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + config().LAKEBOOK_SESSION_HOURS * 3_600_000);
  await insertSession(db, { id, userId, expiresAt });
  if (now.getTime() - lastPrune > PRUNE_INTERVAL_MS) {
    lastPrune = now.getTime();
    await deleteEndedSessions(db, now).catch((error) => log.warn("could not delete ended sessions", error));
  }
  return id;
}

/** Ends one session (the Sign out button). */
export async function endSession(db: Db, sessionId: string): Promise<void> {
  await revokeSession(db, sessionId);
}

/**
 * The member of a live session id, or null (unknown, revoked, past its end,
 * member disabled); through `cache` when given (the server's, on its runtime).
 */
export async function sessionUser(
  db: Db,
  sessionId: unknown,
  now = new Date(),
  cache?: SessionCache,
): Promise<User | null> {
  if (typeof sessionId !== "string" || sessionId.length === 0 || sessionId.length > 64) return null;
  const load = () => findLiveSession(db, sessionId, now);
  return cache ? cache.user(sessionId, now, load) : ((await load())?.user ?? null);
}

/** The session id a decoded cookie names, if any. */
export function sessionIdOf(token: JWT | null): string | null {
  const sid = token?.sid;
  return typeof sid === "string" && sid.length > 0 && sid.length <= 64 ? sid : null;
}

/**
 * Cookies already decrypted, by their text: decrypting one (a key derived
 * with HKDF, then the JWE) was a measurable part of every read while the
 * server was busy. A cookie's text fully decides what it decrypts to, and a
 * hit is served only under the same secret and before the token's own
 * expiry (with jose's 15 s of tolerance, as a decrypt would); whether its
 * session is still live is checked after, as for any cookie.
 */
const decrypted = new LRUCache<string, { secret: string; token: JWT }>({ max: 10_000 });
const CLOCK_TOLERANCE_S = 15;

async function cachedDecode(params: JWTDecodeParams): Promise<JWT | null> {
  const { token: text, secret } = params;
  if (!text || typeof secret !== "string") return decode(params);
  const hit = decrypted.get(text);
  const exp = hit?.token.exp;
  if (hit && hit.secret === secret && typeof exp === "number" && Date.now() / 1000 < exp + CLOCK_TOLERANCE_S)
    return hit.token;
  const token = await decode(params);
  if (token && typeof token.exp === "number") decrypted.set(text, { secret, token });
  return token;
}

/**
 * Reads the session cookie from `cookies` (name → value, as the request
 * carried them), decrypts and checks it with `secret`, and returns the member
 * of its live session. A cookie made with another secret, tampered with, past
 * its own expiry, without a session id, or naming a session that ended, gives null.
 */
export async function signedInFromCookies(
  db: Db,
  cookies: Record<string, string>,
  options: { secret: string; secureCookie: boolean; now?: Date; cache?: SessionCache },
): Promise<SignedIn | null> {
  let token: JWT | null;
  try {
    token = await getToken({
      req: { cookies, headers: {} } as never,
      secret: options.secret,
      secureCookie: options.secureCookie,
      decode: cachedDecode,
    });
  } catch {
    return null;
  }
  const sessionId = sessionIdOf(token);
  if (!sessionId) return null;
  const user = await sessionUser(db, sessionId, options.now, options.cache);
  return user ? { user, sessionId } : null;
}
