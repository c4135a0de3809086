import "server-only";
import { log } from "../log";
import type { RunCatalog, RunRecord } from "./catalog";

type Saver = Pick<RunCatalog, "save">;

/** Pauses between attempts to store a run's end, before it is left to the heartbeat. */
const RETRY_DELAYS_MS = [250, 1_000, 3_000, 8_000];

// Ends of runs not stored yet, by run id; shared by every bundle of this process.
const holder = globalThis as { __lakebookPendingEnds?: Map<string, { catalog: Saver; record: RunRecord }> };
holder.__lakebookPendingEnds ??= new Map();
const pending = holder.__lakebookPendingEnds;

/**
 * Stores a finished run's end. The metadata store can fail for a moment (it
 * restarts, a connection is dropped): the save is tried again after growing
 * pauses, and if it still fails, again at every heartbeat (`savePendingEnds`)
 * until it is stored, so that a run that ended is never left "running".
 * Resolves true once stored, false when left for later.
 */
export async function saveRunEnd(catalog: Saver, record: RunRecord, delays = RETRY_DELAYS_MS): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await catalog.save(record);
      pending.delete(record.id);
      return true;
    } catch (error) {
      if (attempt >= delays.length) {
        log.error(`could not store the end of run ${record.id}; trying again at the next heartbeat`, error);
        pending.set(record.id, { catalog, record });
        return false;
      }
      log.warn(`storing the end of run ${record.id} failed; trying again`, error);
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

/** One more try for every run end not stored yet. */
export async function savePendingEnds(): Promise<void> {
  for (const [id, { catalog, record }] of pending) {
    try {
      await catalog.save(record);
      pending.delete(id);
      log.info(`stored the end of run ${id}`);
    } catch (error) {
      log.warn(`the end of run ${id} is still not stored`, error);
    }
  }
}

export function pendingRunEnds(): number {
  return pending.size;
}
