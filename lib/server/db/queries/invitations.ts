import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type Invitation, invitations } from "../schema";

export async function insertInvitation(db: Db, invitation: typeof invitations.$inferInsert): Promise<void> {
  await db.insert(invitations).values(invitation);
}

/** An invitation that still works: not accepted, not revoked, not expired. */
function open(now: Date) {
  return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));
}

/** Invitations not yet accepted, not revoked and not expired. */
export async function openInvitations(db: Db, now = new Date()): Promise<Invitation[]> {
  return db.select().from(invitations).where(open(now)).orderBy(desc(invitations.createdAt));
}

export async function findOpenInvitation(db: Db, tokenHash: string, now = new Date()): Promise<Invitation | null> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, tokenHash), open(now)));
  return row ?? null;
}

/**
 * The newest open invitation for an email address (any letter case), which
 * lets a single sign-on identity with that verified email join.
 */
export async function findOpenInvitationForEmail(db: Db, email: string, now = new Date()): Promise<Invitation | null> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(sql`lower(${invitations.email})`, email.toLowerCase()), open(now)))
    .orderBy(desc(invitations.createdAt))
    .limit(1);
  return row ?? null;
}

/** Marks an invitation used; false when someone else used it first, or it was revoked or expired meanwhile. */
export async function acceptInvitation(db: Db, tokenHash: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.tokenHash, tokenHash), open(now)))
    .returning({ tokenHash: invitations.tokenHash });
  return rows.length === 1;
}

/** Withdraws an open invitation so that its link (and single sign-on with its email) no longer works; false when it was not open. */
export async function revokeInvitation(db: Db, tokenHash: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.tokenHash, tokenHash), open(now)))
    .returning({ tokenHash: invitations.tokenHash });
  return rows.length === 1;
}
