import "server-only";
import { closeAllEngines } from "./connections/engines";
import { log } from "./log";
import { savePendingEnds } from "./runs/final-save";
import { retireInstance } from "./runs/instances";
import { cancelAllRuns, stopTakingRuns } from "./runs/runs";
import { startedRuntime } from "./runtime";

export const SHUTTING_DOWN = "The server is shutting down. Run the query again in a moment, once it is back.";
const CANCELLED = "Cancelled: the server shut down.";
/** How long the runs cancelled at shutdown get to stop and store their end. */
const RUNS_WAIT_MS = 5_000;
/** The process exits after this even if a step hangs (a store that does not answer). */
export const FORCE_EXIT_MS = 10_000;

const state = globalThis as { __lakebookShutdown?: Promise<void> };

/**
 * Stops the server's work in order: no new runs; running ones cancelled on
 * their engines (a Databricks statement gets CancelOperation) and their end
 * stored; Databricks sessions and clients closed; runs that could not end
 * marked failed; DuckDB (warehouse and result store) checkpointed and closed;
 * the metadata store closed. A step that fails is logged and the next one
 * runs. Once only; later calls get the same promise.
 */
export function shutdown(): Promise<void> {
  state.__lakebookShutdown ??= stopAll();
  return state.__lakebookShutdown;
}

async function stopAll(): Promise<void> {
  stopTakingRuns(SHUTTING_DOWN);
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      log.error(`shutdown: ${name} failed`, error);
    }
  };
  await step("cancelling runs", async () => {
    const cancelled = await cancelAllRuns(CANCELLED, RUNS_WAIT_MS);
    if (cancelled > 0) log.info(`shutdown: cancelled ${cancelled} running ${cancelled === 1 ? "query" : "queries"}`);
  });
  await step("closing Databricks connections", closeAllEngines);
  const started = startedRuntime();
  const rt = started ? await started.catch(() => null) : null;
  if (!rt) return;
  rt.heartbeat.stop();
  await step("storing the end of runs", async () => {
    await savePendingEnds();
    await retireInstance(rt.db, rt.catalog.instanceId);
  });
  await step("closing the warehouse", () => rt.engine.close());
  await step("closing the result store", async () => {
    await rt.store.exec("CHECKPOINT");
    rt.store.close();
  });
  await step("closing the metadata store", () => rt.closeMetadata());
}

/** True once shutdown has begun. */
export function shuttingDown(): boolean {
  return state.__lakebookShutdown !== undefined;
}

const installed = globalThis as { __lakebookSignals?: boolean };

/**
 * SIGTERM and SIGINT shut the server down (above), then end the process: 0
 * when every step finished, 1 when it had to be forced after FORCE_EXIT_MS or
 * a second signal came. `next start` has handlers of its own that close the
 * HTTP server and exit as soon as it is closed, before our steps could finish;
 * they are replaced, as NEXT_MANUAL_SIG_HANDLE=1 would do.
 */
export function installSignalHandlers(): void {
  if (installed.__lakebookSignals) return;
  installed.__lakebookSignals = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    if (!process.env.NEXT_MANUAL_SIG_HANDLE) process.removeAllListeners(signal);
    process.on(signal, () => {
      if (shuttingDown()) {
        log.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      log.info(`${signal}: shutting down`);
      setTimeout(() => {
        log.error(`shutdown did not finish in ${FORCE_EXIT_MS / 1000} s; exiting anyway`);
        process.exit(1);
      }, FORCE_EXIT_MS);
      void shutdown().then(() => {
        log.info("shutdown complete");
        process.exit(0);
      });
    });
  }
}
