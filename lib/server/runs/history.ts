import "server-only";
import { notFoundError } from "@/lib/action-result";
import {
  encodeCursor,
  HISTORY_PAGE_SIZE,
  type HistoryEntry,
  type HistoryFilters,
  type HistoryPage,
} from "@/lib/history";
import type { Caller } from "../auth/caller";
import { connectionNames, listConnections } from "../connections";
import { historyPlan, historyRows, runSql } from "../db/queries/runs";
import type { User } from "../db/schema";
import { runtime } from "../runtime";
import { liveRun } from "./runs";

/** One page (HISTORY_PAGE_SIZE entries) of the runs the viewer may see, newest first. */
export async function listHistory(viewer: User, filters: HistoryFilters): Promise<HistoryPage> {
  const { db } = await runtime();
  const plan = historyPlan(viewer, filters);
  const rows = await historyRows(db, plan);
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
export async function historySql(viewer: Caller, runId: string): Promise<string> {
  const { db } = await runtime();
  const row = await runSql(db, runId);
  if (!row || (viewer.role !== "admin" && row.userId !== viewer.id)) throw notFoundError();
  return row.sql;
}
