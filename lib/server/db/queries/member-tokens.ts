import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { connections, type MemberToken, memberTokens } from "../schema";

export async function findMemberToken(db: Db, connectionId: string, userId: string): Promise<MemberToken | null> {
  const [row] = await db
    .select()
    .from(memberTokens)
    .where(and(eq(memberTokens.connectionId, connectionId), eq(memberTokens.userId, userId)));
  return row ?? null;
}

/** Stores a member's sign-in (a new one replaces the old: same connection, same member), made at `now`. */
export async function upsertMemberToken(
  db: Db,
  row: Pick<MemberToken, "connectionId" | "userId" | "sealedRefreshToken" | "workspaceUser">,
  now = new Date(),
): Promise<void> {
  await db
    .insert(memberTokens)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [memberTokens.connectionId, memberTokens.userId],
      set: {
        sealedRefreshToken: row.sealedRefreshToken,
        workspaceUser: row.workspaceUser,
        createdAt: now,
        updatedAt: now,
      },
    });
}

/**
 * Stores a rotated refresh token, only if the row still holds the one that was
 * spent (a disconnect or a new sign-in in between wins). Returns whether it did.
 */
export async function rotateMemberToken(
  db: Db,
  connectionId: string,
  userId: string,
  was: string,
  sealedRefreshToken: string,
): Promise<boolean> {
  const rows = await db
    .update(memberTokens)
    .set({ sealedRefreshToken, updatedAt: new Date() })
    .where(
      and(
        eq(memberTokens.connectionId, connectionId),
        eq(memberTokens.userId, userId),
        eq(memberTokens.sealedRefreshToken, was),
      ),
    )
    .returning({ userId: memberTokens.userId });
  return rows.length > 0;
}

export async function deleteMemberToken(db: Db, connectionId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(memberTokens)
    .where(and(eq(memberTokens.connectionId, connectionId), eq(memberTokens.userId, userId)))
    .returning({ userId: memberTokens.userId });
  return rows.length > 0;
}

/** Every member's sign-in on a connection (its workspace moved, or it stopped being user-to-machine). */
export async function deleteConnectionMemberTokens(db: Db, connectionId: string): Promise<void> {
  await db.delete(memberTokens).where(eq(memberTokens.connectionId, connectionId));
}

/** Every sign-in of a member (disabled). */
export async function deleteUserMemberTokens(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .delete(memberTokens)
    .where(eq(memberTokens.userId, userId))
    .returning({ connectionId: memberTokens.connectionId });
  return rows.map((r) => r.connectionId);
}

/** A member's sign-ins with the connections' names, for the Account page. */
export async function memberTokensOf(
  db: Db,
  userId: string,
): Promise<{ connectionId: string; connectionName: string; workspaceUser: string; createdAt: Date }[]> {
  return db
    .select({
      connectionId: memberTokens.connectionId,
      connectionName: connections.name,
      workspaceUser: memberTokens.workspaceUser,
      createdAt: memberTokens.createdAt,
    })
    .from(memberTokens)
    .innerJoin(connections, eq(connections.id, memberTokens.connectionId))
    .where(eq(memberTokens.userId, userId))
    .orderBy(asc(connections.name));
}

/** Deletes a member's sign-in only if it still holds `was` (a refused or unreadable token; a newer sign-in stays). */
export async function deleteMemberTokenIf(db: Db, connectionId: string, userId: string, was: string): Promise<void> {
  await db
    .delete(memberTokens)
    .where(
      and(
        eq(memberTokens.connectionId, connectionId),
        eq(memberTokens.userId, userId),
        eq(memberTokens.sealedRefreshToken, was),
      ),
    );
}

/** Every member's sealed refresh token, to seal them all again under a new key. */
export async function sealedMemberTokens(
  db: Db,
): Promise<Pick<MemberToken, "connectionId" | "userId" | "sealedRefreshToken">[]> {
  return db
    .select({
      connectionId: memberTokens.connectionId,
      userId: memberTokens.userId,
      sealedRefreshToken: memberTokens.sealedRefreshToken,
    })
    .from(memberTokens);
}
