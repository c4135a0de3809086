import { z } from "@/lib/zod";

/** Input of the group admin actions. */

const id = z.string().max(64);
export const groupName = z
  .string()
  .trim()
  .min(1, "Give the group a name.")
  .max(100, "Keep the group name under 100 characters.");

export const createGroupInput = z.object({ name: groupName });
export const renameGroupInput = z.object({ groupId: id, name: groupName });
export const groupIdInput = z.object({ groupId: id });
export const groupMemberInput = z.object({ groupId: id, userId: id });
