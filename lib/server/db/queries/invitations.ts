import "server-only";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { type Invitation, invitations } from "../schema";

export async function insertInvitation(db: Db, invitation: typeof invitations.$inferInsert): Promise<void> {
  await db.insert(invitations).values(invitation);
}

/** Invitations not yet accepted and not expired. */
export async function openInvitations(db: Db, now = new Date()): Promise<Invitation[]> {
  return db
    .select()
    .from(invitations)
    .where(and(isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)))
    .orderBy(desc(invitations.createdAt));
}

export async function findOpenInvitation(db: Db, tokenHash: string, now = new Date()): Promise<Invitation | null> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)));
  return row ?? null;
}

/** Marks an invitation used; false when someone else used it first. */
export async function acceptInvitation(db: Db, tokenHash: string): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt)))
    .returning({ tokenHash: invitations.tokenHash });
  return rows.length === 1;
}
