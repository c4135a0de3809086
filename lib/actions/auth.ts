"use server";

// The only actions a signed-out visitor may call: creating the first admin of
// a new server, joining by invitation and setting a password through a reset
// link. None has a session to check: each parses its own input, and works
// only with a valid token or on a server that has no account yet.

import { type ActionResult, failed } from "@/lib/action-result";
import { accountInput, joinInput, resetPasswordInput } from "@/lib/schemas/members";
import { failure } from "@/lib/server/actions/safe-action";
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
export async function createFirstAdminAction(raw: unknown): Promise<ActionResult<null>> {
  const parsed = accountInput.safeParse(raw);
  if (!parsed.success) return failed(parsed.error.issues[0]?.message ?? "Invalid input.");
  try {
    const { db } = await runtime();
    // Checked before hashing, so that strangers cannot keep the server hashing; again under the lock.
    if ((await userCount(db)) > 0) return failed(ALREADY_SET_UP, "conflict");
    const passwordHash = await hashPassword(parsed.data.password);
    const created = await insertFirstAdmin(db, { name: parsed.data.name, email: parsed.data.email, passwordHash });
    if (!created) return failed(ALREADY_SET_UP, "conflict");
    return { ok: true, data: null };
  } catch (error) {
    return failure(error);
  }
}

/** Accepts an invitation: whoever holds the link sets their name and password. */
export async function joinAction(raw: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = joinInput.safeParse(raw);
  if (!parsed.success) return failed(parsed.error.issues[0]?.message ?? "Invalid input.");
  try {
    const email = await joinWithInvitation(
      (await runtime()).db,
      parsed.data.token,
      parsed.data.name,
      parsed.data.password,
    );
    return { ok: true, data: { email } };
  } catch (error) {
    return failure(error);
  }
}

/** Sets a new password through an admin's reset link (whoever holds the link); every session of the member ends. */
export async function resetPasswordAction(raw: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = resetPasswordInput.safeParse(raw);
  if (!parsed.success) return failed(parsed.error.issues[0]?.message ?? "Invalid input.");
  try {
    const email = await resetPassword((await runtime()).db, parsed.data.token, parsed.data.password);
    return { ok: true, data: { email } };
  } catch (error) {
    return failure(error);
  }
}
