"use server";

// The only actions a signed-out visitor may call: creating the first admin of
// a new server, joining by invitation and setting a password through a reset
// link. None has a session to check (`signedOutAction`): each works only with
// a valid token or on a server that has no account yet.

import { UserError } from "@/lib/action-result";
import { accountInput, joinInput, resetPasswordInput } from "@/lib/schemas/members";
import { signedOutAction } from "@/lib/server/actions/safe-action";
import { resetPassword } from "@/lib/server/auth/account";
import { hashPassword } from "@/lib/server/crypto/password";
import { insertFirstAdmin, userCount } from "@/lib/server/db/queries/users";
import { joinWithInvitation } from "@/lib/server/members";
import { runtime } from "@/lib/server/runtime";

const ALREADY_SET_UP = "This server already has an admin. Sign in instead.";

/**
 * Creates the first admin of a brand-new server. Refused as soon as any account
 * exists; a lock makes two simultaneous first visitors produce one admin.
 */
export const createFirstAdminAction = signedOutAction(accountInput, async ({ name, email, password }) => {
  const { db } = await runtime();
  // Checked before hashing, so that strangers cannot keep the server hashing; again under the lock.
  if ((await userCount(db)) > 0) throw new UserError(ALREADY_SET_UP, "conflict");
  const passwordHash = await hashPassword(password);
  if (!(await insertFirstAdmin(db, { name, email, passwordHash }))) throw new UserError(ALREADY_SET_UP, "conflict");
  return null;
});

/** Accepts an invitation: whoever holds the link sets their name and password. */
export const joinAction = signedOutAction(joinInput, async ({ token, name, password }) => ({
  email: await joinWithInvitation((await runtime()).db, token, name, password),
}));

/** Sets a new password through an admin's reset link (whoever holds the link); every session of the member ends. */
export const resetPasswordAction = signedOutAction(resetPasswordInput, async ({ token, password }) => ({
  email: await resetPassword((await runtime()).db, token, password),
}));
