import "server-only";
import { and, eq, inArray, lt, ne, notExists, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { instances, runs } from "../schema";

/** The message of a run whose server stopped (or crashed) before it ended. */
export const SERVER_STOPPED = "The server running this query stopped.";

/** An instance whose heartbeat is older than this has stopped: four missed beats. */
export const STALE_AFTER_MS = 120_000;

/** The database's clock, `ms` ago: instances compare times on one clock, never their own. */
function ago(ms: number): SQL {
  return sql`now() - make_interval(secs => ${ms / 1000})`;
}

/** Records that instance `id` has (re)started and is alive. */
export async function registerInstance(db: Db, id: string): Promise<void> {
  await db
    .insert(instances)
    .values({ id, startedAt: sql`now()`, heartbeatAt: sql`now()` })
    .onConflictDoUpdate({ target: instances.id, set: { startedAt: sql`now()`, heartbeatAt: sql`now()` } });
}

/** Records that instance `id` is still alive. */
export async function beat(db: Db, id: string): Promise<void> {
  await db
    .insert(instances)
    .values({ id, startedAt: sql`now()`, heartbeatAt: sql`now()` })
    .onConflictDoUpdate({ target: instances.id, set: { heartbeatAt: sql`now()` } });
}

/**
 * Marks failed the running runs of every other instance whose heartbeat is
 * older than `staleAfterMs` (and of instances that never kept one, once the
 * run is that old). Returns their ids.
 */
export async function failRunsOfStoppedInstances(
  db: Db,
  self: string,
  staleAfterMs = STALE_AFTER_MS,
): Promise<string[]> {
  const stopped = db
    .select({ id: instances.id })
    .from(instances)
    .where(lt(instances.heartbeatAt, ago(staleAfterMs)));
  const unknown = db.select({ id: instances.id }).from(instances).where(eq(instances.id, runs.instanceId));
  const failed = await db
    .update(runs)
    .set({ status: "failed", finishedAt: sql`now()`, error: { message: SERVER_STOPPED } })
    .where(
      and(
        eq(runs.status, "running"),
        ne(runs.instanceId, self),
        or(inArray(runs.instanceId, stopped), and(notExists(unknown), lt(runs.startedAt, ago(staleAfterMs)))),
      ),
    )
    .returning({ id: runs.id });
  return failed.map((row) => row.id);
}

/**
 * A clean stop: the runs of instance `id` still recorded as running can never
 * end, so they are marked failed, and the instance leaves the table.
 */
export async function retireInstance(db: Db, id: string): Promise<void> {
  await db
    .update(runs)
    .set({ status: "failed", finishedAt: sql`now()`, error: { message: SERVER_STOPPED } })
    .where(and(eq(runs.instanceId, id), eq(runs.status, "running")));
  await db.delete(instances).where(eq(instances.id, id));
}
