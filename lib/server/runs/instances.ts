import "server-only";
import type { Db } from "../db/client";
import { beat, failRunsOfStoppedInstances } from "../db/queries/instances";
import { log } from "../log";

export {
  beat,
  failRunsOfStoppedInstances,
  registerInstance,
  retireInstance,
  SERVER_STOPPED,
  STALE_AFTER_MS,
} from "../db/queries/instances";

export const HEARTBEAT_INTERVAL_MS = 30_000;

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
