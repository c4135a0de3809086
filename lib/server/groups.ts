import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import type { GroupMemberView, GroupView } from "@/lib/groups";
import { groupName } from "@/lib/schemas/groups";
import {
  addGroupMember,
  deleteGroup,
  findGroup,
  findGroupByName,
  groupMemberList,
  insertGroup,
  listGroups,
  removeGroupMember,
  renameGroup,
} from "./db/queries/groups";
import { deleteGrantsTo } from "./db/queries/permissions";
import { findUser } from "./db/queries/users";
import type { Group, User } from "./db/schema";
import { runtime } from "./runtime";

/**
 * Groups are an admin's tool: members are shared with as a group. Each
 * function checks its caller itself, whatever route it was reached by.
 */
function requireAdmin(actor: User): void {
  if (actor.role !== "admin") throw new UserError("Only an admin can do this.", "forbidden");
}

export async function groupList(actor: User): Promise<GroupView[]> {
  requireAdmin(actor);
  const rows = await listGroups((await runtime()).db);
  return rows.map((g) => ({ id: g.id, name: g.name, memberCount: g.memberCount }));
}

export async function createGroup(actor: User, name: string): Promise<GroupView> {
  requireAdmin(actor);
  const { db } = await runtime();
  const clean = validName(name);
  await refuseTaken(clean, null);
  try {
    const row = await insertGroup(db, clean, actor.id);
    return { id: row.id, name: row.name, memberCount: 0 };
  } catch (error) {
    // Two admins creating the same name at once: the unique index decides.
    if (isUniqueViolation(error)) throw new UserError(taken(clean), "conflict");
    throw error;
  }
}

export async function renameGroupTo(actor: User, groupId: string, name: string): Promise<void> {
  requireAdmin(actor);
  const group = await existing(groupId);
  const clean = validName(name);
  await refuseTaken(clean, group.id);
  try {
    await renameGroup((await runtime()).db, group.id, clean);
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(taken(clean), "conflict");
    throw error;
  }
}

/** Deleting a group also takes back everything shared with it: no grant names a group that is gone. */
export async function removeGroup(actor: User, groupId: string): Promise<void> {
  requireAdmin(actor);
  const group = await existing(groupId);
  const { db } = await runtime();
  await db.transaction(async (tx) => {
    await deleteGrantsTo(tx, "group", group.id);
    await deleteGroup(tx, group.id);
  });
}

export async function groupMembers(actor: User, groupId: string): Promise<GroupMemberView[]> {
  requireAdmin(actor);
  const group = await existing(groupId);
  return groupMemberList((await runtime()).db, group.id);
}

export async function addMember(actor: User, groupId: string, userId: string): Promise<void> {
  requireAdmin(actor);
  const group = await existing(groupId);
  const { db } = await runtime();
  const user = await findUser(db, userId);
  if (!user) throw notFoundError();
  await addGroupMember(db, group.id, user.id);
}

export async function removeMember(actor: User, groupId: string, userId: string): Promise<void> {
  requireAdmin(actor);
  const group = await existing(groupId);
  await removeGroupMember((await runtime()).db, group.id, userId);
}

async function existing(groupId: string): Promise<Group> {
  const group = await findGroup((await runtime()).db, groupId);
  if (!group) throw notFoundError();
  return group;
}

function validName(name: string): string {
  const parsed = groupName.safeParse(name);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]?.message ?? "Enter a group name.");
  return parsed.data;
}

async function refuseTaken(name: string, self: string | null): Promise<void> {
  const other = await findGroupByName((await runtime()).db, name);
  if (other && other.id !== self) throw new UserError(taken(other.name), "conflict");
}

function taken(name: string): string {
  return `A group named "${name}" already exists. Choose another name.`;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
