import "server-only";
import { and, desc, eq, getTableColumns, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../client";
import { type ApiToken, apiTokens, type User, users } from "../schema";

export async function insertApiToken(db: Db, token: typeof apiTokens.$inferInsert): Promise<ApiToken> {
  const [row] = await db.insert(apiTokens).values(token).returning();
  return row;
}

/**
 * The token and its member in one query, if the token may act now: it exists,
 * is neither revoked nor expired, and its member is not disabled.
 */
export async function findLiveToken(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ token: ApiToken; user: User } | null> {
  const [row] = await db
    .select({ token: getTableColumns(apiTokens), user: getTableColumns(users) })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, now),
        eq(users.disabled, false),
      ),
    );
  return row ?? null;
}

/** The token by its hash whatever its state (to say why it no longer works). */
export async function findTokenByHash(db: Db, tokenHash: string): Promise<ApiToken | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return row ?? null;
}

/** Notes a use, at most once a minute per token (one conditional UPDATE, nothing when recent). */
export async function touchToken(db: Db, id: string, now: Date): Promise<void> {
  const minuteAgo = new Date(now.getTime() - 60_000);
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, minuteAgo))));
}

export type TokenRow = ApiToken & { userName: string; userEmail: string };

/** Tokens, newest first: one member's, or everyone's (for an admin). */
export async function listApiTokens(db: Db, userId: string | null): Promise<TokenRow[]> {
  return db
    .select({ ...getTableColumns(apiTokens), userName: users.name, userEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(userId ? eq(apiTokens.userId, userId) : undefined)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function findApiToken(db: Db, id: string): Promise<ApiToken | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row ?? null;
}

/** Revokes a token that is not revoked yet; false when there was none to revoke. */
export async function revokeApiToken(db: Db, id: string, by: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now, revokedBy: by })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** How many live tokens a member has (a member may hold at most a few dozen). */
export async function countLiveTokens(db: Db, userId: string, now: Date): Promise<number> {
  const rows = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, now)));
  return rows.length;
}
