"use server";

import { createGroupInput, groupIdInput, groupMemberInput, renameGroupInput } from "@/lib/schemas/groups";
import { adminAction } from "@/lib/server/actions/safe-action";
import { addMember, createGroup, removeGroup, removeMember, renameGroupTo } from "@/lib/server/groups";

export const createGroupAction = adminAction(createGroupInput, ({ name }, admin) => createGroup(admin, name));

export const renameGroupAction = adminAction(renameGroupInput, ({ groupId, name }, admin) =>
  renameGroupTo(admin, groupId, name),
);

export const deleteGroupAction = adminAction(groupIdInput, ({ groupId }, admin) => removeGroup(admin, groupId));

export const addGroupMemberAction = adminAction(groupMemberInput, ({ groupId, userId }, admin) =>
  addMember(admin, groupId, userId),
);

export const removeGroupMemberAction = adminAction(groupMemberInput, ({ groupId, userId }, admin) =>
  removeMember(admin, groupId, userId),
);
