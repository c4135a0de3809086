import "server-only";
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Level, ObjectKind, PrincipalKind } from "@/lib/sharing";
import type { Db } from "../client";
import { groupMembers, groups, permissions, users } from "../schema";

/** The groups a user belongs to, as a subquery. */
function groupsOf(db: Db, userId: string) {
  return db.select({ id: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId));
}

/** Grants that reach the user: to them directly or to one of their groups. */
export function reachesUser(db: Db, userId: string): SQL {
  return or(
    and(eq(permissions.principalKind, "user"), eq(permissions.principalId, userId)),
    and(eq(permissions.principalKind, "group"), inArray(permissions.principalId, groupsOf(db, userId))),
  ) as SQL;
}

/** The levels granted to the user on one object, directly or through groups. */
export async function grantedLevels(db: Db, kind: ObjectKind, objectId: string, userId: string): Promise<Level[]> {
  const rows = await db
    .select({ level: permissions.level })
    .from(permissions)
    .where(and(eq(permissions.objectKind, kind), eq(permissions.objectId, objectId), reachesUser(db, userId)));
  return rows.map((r) => r.level);
}

/** Ids of the objects of a kind that the user has any grant on. */
export function sharedWithUser(db: Db, kind: ObjectKind, userId: string) {
  return db
    .select({ id: permissions.objectId })
    .from(permissions)
    .where(and(eq(permissions.objectKind, kind), reachesUser(db, userId)));
}

export async function grantsOn(db: Db, kind: ObjectKind, objectId: string) {
  return db
    .select({
      principalKind: permissions.principalKind,
      principalId: permissions.principalId,
      level: permissions.level,
      userName: users.name,
      userEmail: users.email,
      groupName: groups.name,
      groupSize: sql<number>`(SELECT count(*)::int FROM ${groupMembers} WHERE ${groupMembers.groupId} = ${groups.id})`,
    })
    .from(permissions)
    .leftJoin(users, and(eq(permissions.principalKind, "user"), eq(users.id, permissions.principalId)))
    .leftJoin(groups, and(eq(permissions.principalKind, "group"), eq(groups.id, permissions.principalId)))
    .where(and(eq(permissions.objectKind, kind), eq(permissions.objectId, objectId)));
}

export async function upsertGrant(
  db: Db,
  grant: { kind: ObjectKind; objectId: string; principalKind: PrincipalKind; principalId: string; level: Level },
  grantedBy: string,
): Promise<void> {
  const row = {
    objectKind: grant.kind,
    objectId: grant.objectId,
    principalKind: grant.principalKind,
    principalId: grant.principalId,
    level: grant.level,
    grantedBy,
  };
  await db
    .insert(permissions)
    .values(row)
    .onConflictDoUpdate({
      target: [permissions.objectKind, permissions.objectId, permissions.principalKind, permissions.principalId],
      set: { level: grant.level, grantedBy, grantedAt: new Date() },
    });
}

export async function deleteGrant(
  db: Db,
  kind: ObjectKind,
  objectId: string,
  principalKind: PrincipalKind,
  principalId: string,
): Promise<void> {
  await db
    .delete(permissions)
    .where(
      and(
        eq(permissions.objectKind, kind),
        eq(permissions.objectId, objectId),
        eq(permissions.principalKind, principalKind),
        eq(permissions.principalId, principalId),
      ),
    );
}

export async function deleteGrantsOn(db: Db, kind: ObjectKind, objectId: string): Promise<void> {
  await db.delete(permissions).where(and(eq(permissions.objectKind, kind), eq(permissions.objectId, objectId)));
}

/** A deleted group or user leaves no grants behind. */
export async function deleteGrantsTo(db: Db, principalKind: PrincipalKind, principalId: string): Promise<void> {
  await db
    .delete(permissions)
    .where(and(eq(permissions.principalKind, principalKind), eq(permissions.principalId, principalId)));
}
