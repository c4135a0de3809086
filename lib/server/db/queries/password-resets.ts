import "server-only";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { passwordResets } from "../schema";

export type PasswordReset = typeof passwordResets.$inferSelect;

/** Adds a reset link, withdrawing the member's earlier unused ones: only the newest link works. */
export async function replacePasswordReset(db: Db, reset: typeof passwordResets.$inferInsert): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(passwordResets).where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values(reset);
  });
}

/** A reset link that is neither used nor expired. */
export async function findOpenPasswordReset(
  db: Db,
  tokenHash: string,
  now = new Date(),
): Promise<PasswordReset | null> {
  const [row] = await db
    .select()
    .from(passwordResets)
    .where(
      and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
    );
  return row ?? null;
}

/** Marks a reset link used; false when it was used (or expired) meanwhile. */
export async function usePasswordReset(db: Db, tokenHash: string, now = new Date()): Promise<PasswordReset | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
    )
    .returning();
  return row ?? null;
}
