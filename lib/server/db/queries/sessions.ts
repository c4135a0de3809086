import "server-only";
import { and, eq, getTableColumns, gt, isNotNull, isNull, lt, ne, or } from "drizzle-orm";
import { noteChange } from "../changes";
import type { Db } from "../client";
import { type User, type UserSession, userSessions, users } from "../schema";

export async function insertSession(db: Db, session: { id: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insert(userSessions).values(session);
}

/**
 * The member of a live session, and the session's end, in one query: the
 * session exists, is not revoked, has not reached its absolute end, and its
 * member is not disabled.
 */
export async function findLiveSession(
  db: Db,
  sessionId: string,
  now: Date,
): Promise<{ user: User; expiresAt: Date } | null> {
  const [row] = await db
    .select({ user: getTableColumns(users), expiresAt: userSessions.expiresAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
        eq(users.disabled, false),
      ),
    );
  return row ?? null;
}

export async function findSession(db: Db, sessionId: string): Promise<UserSession | null> {
  const [row] = await db.select().from(userSessions).where(eq(userSessions.id, sessionId));
  return row ?? null;
}

/** Ends a member's open sessions, all of them or all but `except`; returns how many were ended. */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  options: { except?: string; now?: Date } = {},
): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: options.now ?? new Date() })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        options.except ? ne(userSessions.id, options.except) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  noteChange();
  return rows.length;
}

/** Deletes sessions that ended (expired or revoked); they can never be used again. */
export async function deleteEndedSessions(db: Db, now: Date): Promise<void> {
  await db.delete(userSessions).where(or(lt(userSessions.expiresAt, now), isNotNull(userSessions.revokedAt)));
  noteChange();
}

/** Ends one session (signing out). */
export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
  noteChange();
}
