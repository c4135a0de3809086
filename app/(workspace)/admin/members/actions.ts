"use server";

import { inviteInput, memberChangeInput } from "@/lib/schemas";
import { adminAction } from "@/lib/server/actions/safe-action";
import { changeMember, invite } from "@/lib/server/members";
import { runtime } from "@/lib/server/runtime";

export const inviteMemberAction = adminAction(inviteInput, async ({ email, role }, admin) => {
  const token = await invite((await runtime()).db, admin, email, role);
  return { path: `/invite/${token}` };
});

export const changeMemberAction = adminAction(memberChangeInput, async ({ userId, role, disabled }) => {
  const user = await changeMember((await runtime()).db, userId, { role, disabled });
  return { id: user.id, role: user.role, disabled: user.disabled };
});
