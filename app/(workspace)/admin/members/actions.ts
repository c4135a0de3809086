"use server";

import { inviteInput, memberChangeInput, memberIdInput } from "@/lib/schemas";
import { adminAction } from "@/lib/server/actions/safe-action";
import { createPasswordReset, RESET_LINK_HOURS } from "@/lib/server/auth/account";
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
