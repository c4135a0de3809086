import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type UserIdentity, userIdentities } from "../schema";

/** The account a single sign-on identity is bound to, found by issuer and subject only. */
export async function findIdentity(db: Db, issuer: string, subject: string): Promise<UserIdentity | null> {
  const [row] = await db
    .select()
    .from(userIdentities)
    .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
  return row ?? null;
}

/** The identities bound to one account, oldest first (for its account page and the bind-by-email rule). */
export async function identitiesOf(db: Db, userId: string): Promise<UserIdentity[]> {
  return db
    .select()
    .from(userIdentities)
    .where(eq(userIdentities.userId, userId))
    .orderBy(asc(userIdentities.createdAt));
}

/**
 * Binds an identity to an account; false when the identity is already bound
 * (to this account or another: a parallel first sign-in won), so callers look again.
 */
export async function bindIdentity(
  db: Db,
  identity: { issuer: string; subject: string; userId: string; email: string | null },
): Promise<boolean> {
  const rows = await db
    .insert(userIdentities)
    .values(identity)
    .onConflictDoNothing()
    .returning({ subject: userIdentities.subject });
  return rows.length === 1;
}

/** Records a sign-in with a bound identity: when, and the email claim it came with (shown to admins, never matched). */
export async function touchIdentity(db: Db, issuer: string, subject: string, email: string | null): Promise<void> {
  await db
    .update(userIdentities)
    .set({ email, lastSignInAt: new Date() })
    .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, subject)));
}
