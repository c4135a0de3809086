import "server-only";
import { and, eq, inArray, lt, ne, notExists, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { instances, runs } from "../db/schema";
import { log } from "../log";

/** The message of a run whose server stopped (or crashed) before it ended. */
export const SERVER_STOPPED = "The server running this query stopped.";

export const HEARTBEAT_INTERVAL_MS = 30_000;
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

export interface Heartbeat {
  stop(): void;
}

/**
 * Every `intervalMs`: refreshes this instance's heartbeat, marks failed the
 * runs of instances that stopped, and runs `alsoEachBeat` (work that must
 * eventually reach the metadata store). A failure is logged; the next beat
 * tries again.
 */
export function startHeartbeat(
  db: Db,
  id: string,
  alsoEachBeat: () => Promise<void> = async () => {},
  options: { intervalMs?: number; staleAfterMs?: number } = {},
): Heartbeat {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await beat(db, id);
      const failed = await failRunsOfStoppedInstances(db, id, options.staleAfterMs);
      if (failed.length > 0) log.warn(`marked ${failed.length} runs of a stopped server as failed`, { runs: failed });
      await alsoEachBeat();
    } catch (error) {
      log.warn("heartbeat: the metadata store did not answer; trying again at the next beat", error);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
