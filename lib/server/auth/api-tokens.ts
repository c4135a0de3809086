import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { UserError } from "@/lib/action-result";
import { type CreatedToken, MAX_LIVE_TOKENS, TOKEN_PREFIX, type TokenScope, type TokenView } from "@/lib/api-tokens";
import {
  countLiveTokens,
  findApiToken,
  findLiveToken,
  findTokenByHash,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  type TokenRow,
  touchToken,
} from "../db/queries/api-tokens";
import type { ApiToken, User } from "../db/schema";
import { log } from "../log";
import { runtime } from "../runtime";
import type { Caller } from "./caller";

/** 32 random bytes: 43 URL-safe characters after the prefix. */
const TOKEN_BYTES = 32;
/** `lkb_` and the base64url alphabet, exactly as long as a token is. */
const TOKEN_SHAPE = /^lkb_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a text looks like one of our tokens (a fixed shape, never over user SQL). */
export function isTokenShaped(text: string): boolean {
  return text.length === TOKEN_PREFIX.length + 43 && TOKEN_SHAPE.test(text);
}

export async function createApiToken(
  user: User,
  input: { name: string; days: number; scopes: TokenScope[] },
): Promise<CreatedToken> {
  const { db } = await runtime();
  const now = new Date();
  if ((await countLiveTokens(db, user.id, now)) >= MAX_LIVE_TOKENS)
    throw new UserError(`You have ${MAX_LIVE_TOKENS} active tokens, the most one member may hold. Revoke one first.`);
  const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString("base64url")}`;
  const row = await insertApiToken(db, {
    id: randomUUID(),
    userId: user.id,
    name: input.name,
    tokenHash: hashToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 4),
    scopes: [...new Set(input.scopes)],
    expiresAt: new Date(now.getTime() + input.days * 86_400_000),
  });
  log.info("API token created", { user: user.id, tokenId: row.id });
  return { token, view: tokenView({ ...row, userName: user.name, userEmail: user.email }, now) };
}

/** A member's own tokens; an admin asking for everyone's (`all`) gets every member's. */
export async function listTokens(actor: Caller, all: boolean): Promise<TokenView[]> {
  if (all && actor.role !== "admin") throw new UserError("Only an admin can see every member's tokens.", "forbidden");
  const { db } = await runtime();
  const now = new Date();
  return (await listApiTokens(db, all ? null : actor.id)).map((row) => tokenView(row, now));
}

/** Revokes a token: its member's own, or anyone's for an admin. Anyone else's looks like no token. */
export async function revokeToken(actor: Caller, id: string): Promise<void> {
  const { db } = await runtime();
  const token = await findApiToken(db, id);
  if (!token || (token.userId !== actor.id && actor.role !== "admin"))
    throw new UserError("No such token.", "not-found");
  if (await revokeApiToken(db, id, actor.id, new Date()))
    log.info("API token revoked", { actor: actor.id, tokenId: id });
}

export type TokenCheck =
  | { ok: true; user: User; token: ApiToken }
  | { ok: false; reason: "unknown" | "revoked" | "expired" | "disabled"; token: ApiToken | null };

/**
 * Who a bearer token acts for, checked against the store on every call: a
 * revoked or expired token, or one of a disabled member, is refused at once
 * on every instance.
 */
export async function checkToken(token: string): Promise<TokenCheck> {
  if (!isTokenShaped(token)) return { ok: false, reason: "unknown", token: null };
  const { db } = await runtime();
  const now = new Date();
  const hash = hashToken(token);
  const live = await findLiveToken(db, hash, now);
  if (live) {
    await touchToken(db, live.token.id, now);
    return { ok: true, ...live };
  }
  const found = await findTokenByHash(db, hash);
  if (!found) return { ok: false, reason: "unknown", token: null };
  const reason = found.revokedAt ? "revoked" : found.expiresAt <= now ? "expired" : "disabled";
  return { ok: false, reason, token: found };
}

export function tokenView(row: TokenRow, now: Date): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as TokenScope[],
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "active",
    ownerName: row.userName,
    ownerEmail: row.userEmail,
  };
}
