import "server-only";
import { and, asc, desc, eq, gte, ilike, lt, type SQL, sql } from "drizzle-orm";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import {
  decodeCursor,
  encodeCursor,
  HISTORY_PAGE_SIZE,
  type HistoryEntry,
  type HistoryFilters,
  type HistoryPage,
  SQL_PREVIEW_CHARS,
  startOfDay,
  validTimeZone,
} from "@/lib/history";
import { connectionNames, listConnections } from "../connections";
import { likePattern } from "../db/queries/saved-queries";
import { runs, type User, users } from "../db/schema";
import { runtime } from "../runtime";
import { liveRun } from "./runs";

export type Viewer = Pick<User, "id" | "role">;

export interface HistoryPlan {
  where: SQL | undefined;
  /** Newest first, except when paging towards newer entries (then reversed after reading). */
  direction: "desc" | "asc";
}

/**
 * What a viewer's history page reads. Members see only their own runs, whatever
 * the filters say; admins see everyone's and may pick one user.
 */
export function historyPlan(viewer: Viewer, filters: HistoryFilters): HistoryPlan {
  const tz = validTimeZone(filters.tz);
  const owner = viewer.role === "admin" ? filters.user : viewer.id;
  const conditions: (SQL | undefined)[] = [
    owner ? eq(runs.userId, owner) : undefined,
    filters.status ? eq(runs.status, filters.status) : undefined,
    filters.connection ? eq(runs.connectionId, filters.connection) : undefined,
    filters.from ? gte(runs.startedAt, startOfDay(filters.from, tz)) : undefined,
    filters.to ? lt(runs.startedAt, startOfDay(filters.to, tz, 1)) : undefined,
    filters.q ? ilike(runs.sql, likePattern(filters.q)) : undefined,
  ];
  const before = filters.before ? decodeCursor(filters.before) : null;
  const after = !before && filters.after ? decodeCursor(filters.after) : null;
  if (before) conditions.push(sql`(${runs.startedAt}, ${runs.id}) < (${before.startedAt}::timestamptz, ${before.id})`);
  if (after) conditions.push(sql`(${runs.startedAt}, ${runs.id}) > (${after.startedAt}::timestamptz, ${after.id})`);
  return { where: and(...conditions), direction: after ? "asc" : "desc" };
}

/** One page (HISTORY_PAGE_SIZE entries) of the runs the viewer may see, newest first. */
export async function listHistory(viewer: User, filters: HistoryFilters): Promise<HistoryPage> {
  const { db } = await runtime();
  const plan = historyPlan(viewer, filters);
  const order = plan.direction === "desc" ? desc : asc;
  const rows = await db
    .select({
      id: runs.id,
      userId: runs.userId,
      userName: users.name,
      connectionId: runs.connectionId,
      queryId: runs.queryId,
      status: runs.status,
      rowCount: runs.rowCount,
      truncated: runs.truncated,
      message: runs.message,
      error: runs.error,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
      // A run's SQL can be a megabyte: the list carries the start of it.
      sql: sql<string>`substr(${runs.sql}, 1, ${sql.raw(String(SQL_PREVIEW_CHARS))})`,
      sqlLength: sql<number>`char_length(${runs.sql})::int`,
      hasResult: sql<boolean>`jsonb_array_length(${runs.columns}) > 0`,
    })
    .from(runs)
    .innerJoin(users, eq(users.id, runs.userId))
    .where(plan.where)
    .orderBy(order(runs.startedAt), order(runs.id))
    .limit(HISTORY_PAGE_SIZE + 1);
  const more = rows.length > HISTORY_PAGE_SIZE;
  const page = rows.slice(0, HISTORY_PAGE_SIZE);
  if (plan.direction === "asc") page.reverse();

  const [names, usable] = await Promise.all([connectionNames(), listConnections(viewer)]);
  const usableIds = new Set(usable.map((c) => c.id));
  const entries: HistoryEntry[] = page.map((row) => ({
    ...row,
    // A run of this server's shows where it stands now (waiting, the queue's message).
    ...(row.status === "running" ? liveRun(row.id) : null),
    startedAt: row.startedAt.toISOString(),
    durationMs: row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
    connectionName: names.get(row.connectionId) ?? "(removed connection)",
    connectionUsable: usableIds.has(row.connectionId),
  }));
  const first = entries[0];
  const last = entries[entries.length - 1];
  const paged = Boolean(filters.before || filters.after);
  return {
    entries,
    older: last && (plan.direction === "desc" ? more : paged) ? encodeCursor(last) : null,
    newer: first && (plan.direction === "asc" ? more : paged) ? encodeCursor(first) : null,
  };
}

/** The whole SQL of one history entry: the viewer's own run, or anyone's for an admin. */
export async function historySql(viewer: Viewer, runId: string): Promise<string> {
  const { db } = await runtime();
  const [row] = await db.select({ userId: runs.userId, sql: runs.sql }).from(runs).where(eq(runs.id, runId));
  if (!row || (viewer.role !== "admin" && row.userId !== viewer.id)) throw new UserError(NOT_FOUND);
  return row.sql;
}
