import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, ilike, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type Group, groupMembers, groups, users } from "../schema";

/** The number of members of the group in the row, as a column. */
const memberCount = sql<number>`(SELECT count(*)::int FROM ${groupMembers} WHERE ${groupMembers.groupId} = ${groups.id})`;

export async function listGroups(db: Db): Promise<(Group & { memberCount: number })[]> {
  return db
    .select({
      id: groups.id,
      name: groups.name,
      createdBy: groups.createdBy,
      createdAt: groups.createdAt,
      memberCount,
    })
    .from(groups)
    .orderBy(asc(sql`lower(${groups.name})`));
}

export async function findGroup(db: Db, id: string): Promise<Group | null> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  return row ?? null;
}

export async function findGroupByName(db: Db, name: string): Promise<Group | null> {
  const [row] = await db
    .select()
    .from(groups)
    .where(eq(sql`lower(${groups.name})`, name.trim().toLowerCase()));
  return row ?? null;
}

export async function insertGroup(db: Db, name: string, createdBy: string): Promise<Group> {
  const [row] = await db.insert(groups).values({ id: randomUUID(), name: name.trim(), createdBy }).returning();
  return row;
}

export async function renameGroup(db: Db, id: string, name: string): Promise<void> {
  await db.update(groups).set({ name: name.trim() }).where(eq(groups.id, id));
}

export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.delete(groups).where(eq(groups.id, id));
}

export async function groupMemberList(db: Db, groupId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, disabled: users.disabled })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, groupId))
    .orderBy(asc(users.email));
}

export async function addGroupMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db.insert(groupMembers).values({ groupId, userId }).onConflictDoNothing();
}

export async function removeGroupMember(db: Db, groupId: string, userId: string): Promise<void> {
  await db.delete(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
}

/** Groups whose name matches a LIKE pattern (see likePattern), by name, with their number of members. */
export async function findGroupsLike(db: Db, pattern: string, limit: number) {
  return db
    .select({ id: groups.id, name: groups.name, memberCount })
    .from(groups)
    .where(ilike(groups.name, pattern))
    .orderBy(asc(groups.name))
    .limit(limit);
}
