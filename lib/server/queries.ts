import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import type { QueryListItem, QueryVersionView, QueryView, SaveConflict } from "@/lib/queries";
import type { Level } from "@/lib/sharing";
import { findAuthorized, listedLevel } from "./auth/permissions";
import { requireConnection } from "./connections";
import { runsRanBy } from "./db/queries/runs";
import {
  deleteQuery,
  findQuery,
  findQueryVersion,
  insertQuery,
  type ListScope,
  listQueries,
  type QueryFields,
  queryVersionList,
  updateQueryIfVersion,
} from "./db/queries/saved-queries";
import { findUser } from "./db/queries/users";
import type { Query, User } from "./db/schema";
import { runView } from "./runs/runs";
import { runtime } from "./runtime";

/** The query, if the user has at least `needed` on it; anything else is "not found" or a clear refusal. */
export async function queryFor(user: User, id: string, needed: Level): Promise<{ query: Query; level: Level }> {
  const { object, level } = await findAuthorized(user, "query", id, needed, findQuery);
  return { query: object, level };
}

export async function listSavedQueries(
  user: User,
  options: { scope: ListScope; search: string; offset: number; limit: number },
): Promise<{ items: QueryListItem[]; more: boolean }> {
  if (options.scope === "all" && user.role !== "admin")
    throw new UserError("Only an admin can list every query.", "forbidden");
  const { db } = await runtime();
  const rows = await listQueries(db, { ...options, userId: user.id, limit: options.limit + 1 });
  const items = rows.slice(0, options.limit).map((row) => ({
    id: row.id,
    title: row.title,
    description: row.description,
    connectionId: row.connectionId,
    ownerName: row.ownerName,
    isOwner: row.ownerId === user.id,
    level: listedLevel(user, row.ownerId, row.grantedRank),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  }));
  return { items, more: rows.length > options.limit };
}

/**
 * The saved queries a member can view (their own and those shared with them;
 * every one for an admin), for the API: the rows as stored, with their owner's name.
 */
export async function listVisibleQueries(user: User, options: { search: string; offset: number; limit: number }) {
  const { db } = await runtime();
  const scope: ListScope = user.role === "admin" ? "all" : "visible";
  const rows = await listQueries(db, { ...options, scope, userId: user.id, limit: options.limit + 1 });
  return {
    items: rows.slice(0, options.limit).map((row) => ({ query: row, ownerName: row.ownerName })),
    more: rows.length > options.limit,
  };
}

export async function getQuery(user: User, id: string): Promise<QueryView> {
  const { query, level } = await queryFor(user, id, "view");
  return viewOf(user, query, level);
}

async function viewOf(user: User, query: Query, level: Level): Promise<QueryView> {
  const { db } = await runtime();
  const owner = await findUser(db, query.ownerId);
  const [last] = await runsRanBy(db, { latestOfQuery: query.id });
  const { catalog } = await runtime();
  const record = last ? await catalog.load(last.id) : null;
  return {
    id: query.id,
    title: query.title,
    description: query.description,
    sql: query.sql,
    parameters: query.parameters,
    chart: query.chart ?? null,
    connectionId: query.connectionId,
    ownerName: owner?.name ?? "(removed user)",
    isOwner: query.ownerId === user.id,
    level,
    version: query.version,
    updatedAt: query.updatedAt.toISOString(),
    lastRun: record && last ? { ...runView(record, user.id), ranBy: last.ranBy } : null,
  };
}

export async function createQuery(user: User, fields: QueryFields): Promise<QueryView> {
  await requireConnection(user, fields.connectionId);
  const { db } = await runtime();
  return viewOf(user, await insertQuery(db, user.id, fields), "manage");
}

/**
 * Saves the user's edit of version `baseVersion`. If someone saved a newer
 * version meanwhile, nothing is written and their version comes back, so the
 * user can reload it, keep theirs as a copy, or overwrite it knowingly
 * (by saving again over the version they have now seen).
 */
export async function saveQuery(
  user: User,
  id: string,
  baseVersion: number,
  fields: QueryFields,
): Promise<{ saved: QueryView } | SaveConflict> {
  const { query, level } = await queryFor(user, id, "edit");
  if (fields.connectionId !== query.connectionId) await requireConnection(user, fields.connectionId);
  const { db } = await runtime();
  const saved = await updateQueryIfVersion(db, id, baseVersion, fields, user.id);
  if (saved) return { saved: await viewOf(user, saved, level) };
  const theirs = (await findQuery(db, id)) ?? query;
  const by = theirs.updatedBy ? await findUser(db, theirs.updatedBy) : null;
  return {
    conflict: true,
    theirs: {
      version: theirs.version,
      title: theirs.title,
      description: theirs.description,
      sql: theirs.sql,
      chart: theirs.chart ?? null,
      updatedByName: by?.name ?? "someone",
      updatedAt: theirs.updatedAt.toISOString(),
    },
  };
}

export async function removeQuery(user: User, id: string): Promise<void> {
  const { query } = await queryFor(user, id, "manage");
  await deleteQuery((await runtime()).db, query.id);
}

export async function queryVersions(user: User, id: string): Promise<QueryVersionView[]> {
  const { query } = await queryFor(user, id, "view");
  const rows = await queryVersionList((await runtime()).db, query.id);
  return rows.map((r) => ({ ...r, savedAt: r.savedAt.toISOString() }));
}

export async function queryVersion(user: User, id: string, version: number) {
  const { query } = await queryFor(user, id, "view");
  const row = await findQueryVersion((await runtime()).db, query.id, version);
  if (!row) throw notFoundError();
  return {
    version: row.version,
    title: row.title,
    description: row.description,
    sql: row.sql,
    chart: row.chart ?? null,
  };
}
