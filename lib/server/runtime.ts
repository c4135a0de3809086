import "server-only";
import path from "node:path";
import { config, dataDir } from "./config";
import { DuckDBEngine } from "./engines/duckdb/engine";
import { openWarehouse } from "./engines/duckdb/warehouse";
import type { Engine } from "./engines/types";
import { RunCatalog } from "./runs/catalog";
import { ResultStore } from "./runs/result-store";

export interface Runtime {
  engine: Engine;
  store: ResultStore;
  catalog: RunCatalog;
}

// One runtime per server process; kept on globalThis so dev-mode reloads reuse it
// instead of opening the same DuckDB files twice.
const holder = globalThis as { __lakebookRuntime?: Promise<Runtime> };

export function runtime(): Promise<Runtime> {
  holder.__lakebookRuntime ??= start().catch((error) => {
    holder.__lakebookRuntime = undefined;
    throw error;
  });
  return holder.__lakebookRuntime;
}

async function start(): Promise<Runtime> {
  const settings = config();
  const dir = dataDir();
  const threads = settings.LAKEBOOK_THREADS;
  const [warehouse, store] = await Promise.all([
    openWarehouse({
      dir: path.join(dir, "warehouse"),
      memoryLimit: settings.LAKEBOOK_WAREHOUSE_MEMORY,
      threads,
      tripsRows: settings.LAKEBOOK_SAMPLE_TRIPS_ROWS,
    }),
    ResultStore.open({ dir: path.join(dir, "results"), memoryLimit: settings.LAKEBOOK_RESULTS_MEMORY, threads }),
  ]);
  const catalog = new RunCatalog(store);
  await catalog.init();
  const rt: Runtime = { engine: new DuckDBEngine(warehouse), store, catalog };
  await sweepExpired(rt);
  setInterval(
    () => void sweepExpired(rt).catch((e) => console.error("result cleanup failed:", e)),
    15 * 60_000,
  ).unref();
  return rt;
}

/** Deletes stored results older than LAKEBOOK_RESULT_TTL_HOURS. */
export async function sweepExpired(rt: Runtime, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - config().LAKEBOOK_RESULT_TTL_HOURS * 3_600_000);
  const ids = await rt.catalog.expired(cutoff);
  for (const id of ids) await rt.catalog.delete(id);
  return ids.length;
}
