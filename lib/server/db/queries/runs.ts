import "server-only";
import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, lt, ne, type SQL, sql } from "drizzle-orm";
import {
  decodeCursor,
  HISTORY_PAGE_SIZE,
  type HistoryFilters,
  SQL_PREVIEW_CHARS,
  startOfDay,
  validTimeZone,
} from "@/lib/history";
import type { Db } from "../client";
import { editorTabs, type NewRun, notebookCells, type Run, runs, type User, users } from "../schema";
import { likePattern } from "./saved-queries";

/** Stores a run's record, or its new state. */
export async function saveRun(db: Db, row: NewRun): Promise<void> {
  await db.insert(runs).values(row).onConflictDoUpdate({ target: runs.id, set: row });
}

/** Several runs in one query, in no particular order. */
export async function findRuns(db: Db, ids: string[]): Promise<Run[]> {
  return db.select().from(runs).where(inArray(runs.id, ids));
}

/** Runs cut off by a restart of instance `instanceId` can never finish: they are marked failed. */
export async function failRunningRunsOf(db: Db, instanceId: string): Promise<void> {
  await db
    .update(runs)
    .set({
      status: "failed",
      finishedAt: new Date(),
      error: { message: "The server restarted while this query was running." },
    })
    .where(and(eq(runs.instanceId, instanceId), eq(runs.status, "running")));
}

/** Who ran each of these runs (their member's id). */
export async function runOwners(db: Db, ids: string[]): Promise<{ id: string; owner: string }[]> {
  return db.select({ id: runs.id, owner: runs.userId }).from(runs).where(inArray(runs.id, ids));
}

/** Of these runs, their status and start. */
export async function runStates(
  db: Db,
  ids: string[],
): Promise<{ id: string; status: Run["status"]; startedAt: Date }[]> {
  return db
    .select({ id: runs.id, status: runs.status, startedAt: runs.startedAt })
    .from(runs)
    .where(inArray(runs.id, ids));
}

/** Records whether the stored rows of these runs were removed. */
export async function setResultExpired(db: Db, ids: string[], expired: boolean): Promise<void> {
  await db.update(runs).set({ resultExpired: expired }).where(inArray(runs.id, ids));
}

/** Of these runs, those that are a notebook cell's current result. */
export async function runsShownInCells(db: Db, ids: string[]): Promise<{ id: string | null }[]> {
  return db.select({ id: notebookCells.lastRunId }).from(notebookCells).where(inArray(notebookCells.lastRunId, ids));
}

/** Of these runs, those that are the last result of an open editor tab. */
export async function runsShownInTabs(db: Db, ids: string[]): Promise<{ id: string | null }[]> {
  return db.select({ id: editorTabs.lastRunId }).from(editorTabs).where(inArray(editorTabs.lastRunId, ids));
}

/** Of these runs, those that are an earlier statement's result of a script, with the script's id. */
export async function scriptsOf(db: Db, ids: string[]): Promise<{ id: string; parentId: string | null }[]> {
  return db
    .select({ id: runs.id, parentId: runs.parentId })
    .from(runs)
    .where(and(inArray(runs.id, ids), isNotNull(runs.parentId)));
}

export interface HistoryPlan {
  where: SQL | undefined;
  /** Newest first, except when paging towards newer entries (then reversed after reading). */
  direction: "desc" | "asc";
}

/**
 * What a viewer's history page reads. Members see only their own runs, whatever
 * the filters say; admins see everyone's and may pick one user.
 */
export function historyPlan(viewer: Pick<User, "id" | "role">, filters: HistoryFilters): HistoryPlan {
  const tz = validTimeZone(filters.tz);
  const owner = viewer.role === "admin" ? filters.user : viewer.id;
  const conditions: (SQL | undefined)[] = [
    // A script's statements are listed with it, not as runs of their own.
    isNull(runs.parentId),
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

/** One page of history (and one entry more, to tell whether there are more), as `plan` reads it. */
export async function historyRows(db: Db, plan: HistoryPlan) {
  const order = plan.direction === "desc" ? desc : asc;
  return db
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
      // Bounded by the parameter limits (lib/schemas/parameters.ts).
      parameters: runs.parameters,
    })
    .from(runs)
    .innerJoin(users, eq(users.id, runs.userId))
    .where(plan.where)
    .orderBy(order(runs.startedAt), order(runs.id))
    .limit(HISTORY_PAGE_SIZE + 1);
}

/** A run's whole SQL and who ran it. */
export async function runSql(db: Db, runId: string): Promise<{ userId: string; sql: string } | null> {
  const [row] = await db.select({ userId: runs.userId, sql: runs.sql }).from(runs).where(eq(runs.id, runId));
  return row ?? null;
}

/**
 * Makes run `runId` of `userId` the saved query's run, when it ran exactly the
 * query's SQL on its connection, has ended, and belongs to no query yet.
 */
export async function adoptRun(
  db: Db,
  run: { id: string; userId: string },
  query: { id: string; sql: string; connectionId: string },
): Promise<void> {
  await db
    .update(runs)
    .set({ queryId: query.id })
    .where(
      and(
        eq(runs.id, run.id),
        eq(runs.userId, run.userId),
        isNull(runs.queryId),
        ne(runs.status, "running"),
        eq(runs.sql, query.sql),
        eq(runs.connectionId, query.connectionId),
      ),
    );
}

/**
 * Runs and the name of who ran each: the runs with these `ids` (a notebook's
 * cells), or the latest run of a saved query that has ended and whose result
 * is still stored (what the query shows as its last result).
 */
export async function runsRanBy(
  db: Db,
  which: { ids: string[] } | { latestOfQuery: string },
): Promise<{ id: string; ranBy: string }[]> {
  const ranBy = () =>
    db.select({ id: runs.id, ranBy: users.name }).from(runs).innerJoin(users, eq(users.id, runs.userId));
  if ("ids" in which) return which.ids.length ? ranBy().where(inArray(runs.id, which.ids)) : [];
  return ranBy()
    .where(and(eq(runs.queryId, which.latestOfQuery), ne(runs.status, "running"), eq(runs.resultExpired, false)))
    .orderBy(desc(runs.startedAt))
    .limit(1);
}
