import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, ilike, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { permissions, type Query, queries, queryVersions, users } from "../schema";
import { reachesUser, sharedWithUser } from "./permissions";

/** What a save writes: the fields a version of the query has. */
export type QueryFields = Pick<Query, "title" | "description" | "sql" | "connectionId"> &
  Partial<Pick<Query, "parameters" | "chart">>;

export async function insertQuery(db: Db, ownerId: string, fields: QueryFields): Promise<Query> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(queries)
      .values({ id: randomUUID(), ownerId, updatedBy: ownerId, version: 1, ...fields })
      .returning();
    await tx.insert(queryVersions).values({
      queryId: row.id,
      version: 1,
      savedBy: ownerId,
      ...fields,
      parameters: row.parameters,
      chart: row.chart,
    });
    return row;
  });
}

export async function findQuery(db: Db, id: string): Promise<Query | null> {
  const [row] = await db.select().from(queries).where(eq(queries.id, id));
  return row ?? null;
}

/** The saved queries among `ids` that still exist. */
export async function findQueries(db: Db, ids: string[]): Promise<Query[]> {
  return ids.length ? db.select().from(queries).where(inArray(queries.id, ids)) : [];
}

/**
 * Saves over `baseVersion` only if it is still the latest: null means someone
 * saved a newer version first and nothing was written.
 */
export async function updateQueryIfVersion(
  db: Db,
  id: string,
  baseVersion: number,
  fields: QueryFields,
  userId: string,
): Promise<Query | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(queries)
      .set({ ...fields, version: sql`${queries.version} + 1`, updatedBy: userId, updatedAt: new Date() })
      .where(and(eq(queries.id, id), eq(queries.version, baseVersion)))
      .returning();
    if (!row) return null;
    // A save that leaves the parameters or the chart out keeps them.
    await tx.insert(queryVersions).values({
      queryId: id,
      version: row.version,
      savedBy: userId,
      ...fields,
      parameters: row.parameters,
      chart: row.chart,
    });
    return row;
  });
}

export async function deleteQuery(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(permissions).where(and(eq(permissions.objectKind, "query"), eq(permissions.objectId, id)));
    await tx.delete(queries).where(eq(queries.id, id));
  });
}

export async function queryVersionList(db: Db, id: string) {
  return db
    .select({
      version: queryVersions.version,
      title: queryVersions.title,
      savedAt: queryVersions.savedAt,
      savedByName: users.name,
    })
    .from(queryVersions)
    .leftJoin(users, eq(users.id, queryVersions.savedBy))
    .where(eq(queryVersions.queryId, id))
    .orderBy(desc(queryVersions.version));
}

export async function findQueryVersion(db: Db, id: string, version: number) {
  const [row] = await db
    .select()
    .from(queryVersions)
    .where(and(eq(queryVersions.queryId, id), eq(queryVersions.version, version)));
  return row ?? null;
}

/** Whose queries: the member's own, those shared with them, both (`visible`), or every one (admins). */
export type ListScope = "mine" | "shared" | "visible" | "all";

/** `%`, `_` and `\` in a search term match themselves. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const LEVEL_RANK = sql`CASE ${permissions.level} WHEN 'view' THEN 1 WHEN 'run' THEN 2 WHEN 'edit' THEN 3 WHEN 'manage' THEN 4 END`;

/**
 * Saved queries for the list pages: the user's own, those shared with them
 * (directly or through a group), or — for admins — all of them; optionally
 * only those whose title, description or SQL contains `search`.
 */
export async function listQueries(
  db: Db,
  options: { userId: string; scope: ListScope; search?: string; limit: number; offset: number },
) {
  const { userId, scope } = options;
  const where: (SQL | undefined)[] = [];
  if (scope === "mine") where.push(eq(queries.ownerId, userId));
  if (scope === "shared")
    where.push(ne(queries.ownerId, userId), inArray(queries.id, sharedWithUser(db, "query", userId)));
  if (scope === "visible")
    where.push(or(eq(queries.ownerId, userId), inArray(queries.id, sharedWithUser(db, "query", userId))));
  if (options.search) {
    const pattern = likePattern(options.search);
    where.push(or(ilike(queries.title, pattern), ilike(queries.description, pattern), ilike(queries.sql, pattern)));
  }
  const grantedRank = db
    .select({ rank: sql`max(${LEVEL_RANK})` })
    .from(permissions)
    .where(and(eq(permissions.objectKind, "query"), eq(permissions.objectId, queries.id), reachesUser(db, userId)));
  return db
    .select({
      id: queries.id,
      title: queries.title,
      description: queries.description,
      sql: queries.sql,
      parameters: queries.parameters,
      connectionId: queries.connectionId,
      ownerId: queries.ownerId,
      ownerName: users.name,
      version: queries.version,
      updatedAt: queries.updatedAt,
      grantedRank: sql<number | null>`(${grantedRank})`,
    })
    .from(queries)
    .innerJoin(users, eq(users.id, queries.ownerId))
    .where(and(...where))
    .orderBy(desc(queries.updatedAt), desc(queries.id))
    .limit(options.limit)
    .offset(options.offset);
}
