"use server";

import { UserError } from "@/lib/action-result";
import { inviteInput, memberChangeInput, memberIdInput, revokeInvitationInput } from "@/lib/schemas/members";
import { adminAction } from "@/lib/server/actions/safe-action";
import { createPasswordReset, RESET_LINK_HOURS } from "@/lib/server/auth/account";
import { revokeInvitation } from "@/lib/server/db/queries/invitations";
import { changeMember, invite } from "@/lib/server/members";
import { runtime } from "@/lib/server/runtime";

export const inviteMemberAction = adminAction(inviteInput, async ({ email, role }, admin) => {
  const token = await invite((await runtime()).db, admin, email, role);
  return { path: `/invite/${token}` };
});

/** A one-time password-reset link for a member (shown to the admin once, stored only as a hash). */
export const createPasswordResetAction = adminAction(memberIdInput, async ({ userId }, admin) => {
  const token = await createPasswordReset((await runtime()).db, admin, userId);
  return { path: `/reset/${token}`, hours: RESET_LINK_HOURS };
});

export const changeMemberAction = adminAction(memberChangeInput, async ({ userId, role, disabled }) => {
  const user = await changeMember((await runtime()).db, userId, { role, disabled });
  return { id: user.id, role: user.role, disabled: user.disabled };
});

/** Withdraws an open invitation: its link no longer lets anyone join, with a password or with single sign-on. */
export const revokeInvitationAction = adminAction(revokeInvitationInput, async ({ id }) => {
  if (!(await revokeInvitation((await runtime()).db, id))) {
    throw new UserError("This invitation is not open any more: it was used, revoked or has expired.", "conflict");
  }
  return { revoked: true };
});
