import "server-only";
import { randomBytes } from "node:crypto";
import { notFoundError, UserError } from "@/lib/action-result";
import { tooManyAttempts } from "@/lib/auth/sign-in-errors";
import { hashPassword, verifyPassword } from "../crypto/password";
import { sha256 } from "../crypto/secret-key";
import type { Db } from "../db/client";
import { findOpenPasswordReset, replacePasswordReset, usePasswordReset } from "../db/queries/password-resets";
import { revokeUserSessions } from "../db/queries/sessions";
import { findUser, updateUser } from "../db/queries/users";
import type { User } from "../db/schema";
import { signInLimits } from "./sign-in-limits";

/** How long an admin's password-reset link works. */
export const RESET_LINK_HOURS = 24;

export const RESET_LINK_INVALID = "This password-reset link is not valid any more. Ask an admin for a new one.";

/**
 * A member changes their own password. The current one is required (a
 * borrowed session alone cannot change it), and a wrong one counts against
 * the account's sign-in limit, so the form cannot be used to guess it. The
 * member's other sessions end; the one they use stays.
 */
export async function changePassword(
  db: Db,
  user: User,
  sessionId: string,
  input: { current: string; next: string },
): Promise<{ endedSessions: number }> {
  if (!user.passwordHash) throw new UserError("You sign in with single sign-on; your password is kept there.");
  await confirmPassword(db, user, input.current, "That is not your current password.");
  const passwordHash = await hashPassword(input.next);
  return db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash });
    return { endedSessions: await revokeUserSessions(tx, user.id, { except: sessionId }) };
  });
}

/**
 * Checks a signed-in member's password before something only they may do
 * (changing it, linking single sign-on). A wrong one counts against the
 * account's sign-in limit, so a borrowed session cannot be used to guess it;
 * beyond the limit the check is refused without hashing.
 */
export async function confirmPassword(db: Db, user: User, password: string, wrong: string): Promise<void> {
  if (!user.passwordHash) throw new UserError(wrong);
  const limits = signInLimits(db);
  const wait = await limits.takeForAccount(user.email);
  if (wait !== null) throw new UserError(tooManyAttempts(wait), "busy");
  if (!(await verifyPassword(password, user.passwordHash))) throw new UserError(wrong);
  await limits.accountSucceeded(user.email);
}

/** Ends every session of the member, the one they use included. */
export async function signOutEverywhere(db: Db, user: User): Promise<number> {
  return revokeUserSessions(db, user.id);
}

/**
 * An admin makes a password-reset link for a member: one-time, working for
 * RESET_LINK_HOURS, stored (like invitations) only as the SHA-256 of its
 * token; an earlier unused link of that member stops working.
 */
export async function createPasswordReset(db: Db, admin: User, userId: string, now = new Date()): Promise<string> {
  const member = await findUser(db, userId);
  if (!member) throw notFoundError();
  const token = randomBytes(24).toString("base64url");
  await replacePasswordReset(db, {
    tokenHash: sha256(token),
    userId: member.id,
    createdBy: admin.id,
    expiresAt: new Date(now.getTime() + RESET_LINK_HOURS * 3_600_000),
  });
  return token;
}

/** The member a reset link is for, while it is open (for the page that shows it). */
export async function passwordResetTarget(db: Db, token: string, now = new Date()): Promise<User | null> {
  if (token.length > 128) return null;
  const reset = await findOpenPasswordReset(db, sha256(token), now);
  return reset ? findUser(db, reset.userId) : null;
}

/**
 * The member opening a reset link sets a new password. The link is checked
 * before any hashing (a stranger's forged or used link costs the server
 * nothing), and used once: marking it used, the new password and the end of
 * every session of the member happen in one transaction. Returns the email,
 * for signing in.
 */
export async function resetPassword(db: Db, token: string, password: string, now = new Date()): Promise<string> {
  const target = await passwordResetTarget(db, token, now);
  if (!target) throw new UserError(RESET_LINK_INVALID);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const reset = await usePasswordReset(tx, sha256(token), now);
    if (!reset) throw new UserError(RESET_LINK_INVALID);
    await updateUser(tx, reset.userId, { passwordHash });
    await revokeUserSessions(tx, reset.userId, { now });
    return target.email;
  });
}
