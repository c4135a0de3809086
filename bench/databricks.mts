/**
 * Databricks path benchmark: rows/s of a 1M-row result stored through the
 * app's engine and run store, against two loops over the same driver reading
 * from the Thrift test warehouse in this same run: its row objects
 * (`fetchChunk`) and, beneath them, its Arrow batches taken and counted.
 * Target: the app reaches at least 0.8x the bare Arrow loop.
 *
 *   npm run bench:databricks   (alone; also the last phase of `npm run bench`)
 *   BENCH_SMOKE=1 npm run bench:databricks   (20,000 rows, one pass, as `npm run bench -- --smoke`
 *                                            runs it inside `npm test`, so that this path can
 *                                            never silently break)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DBSQLClient, DBSQLLogger, LogLevel } from "@databricks/sql";
import { sharedCertificate } from "../tests/support/databricks-warehouse/certificate";
import { WAREHOUSE_NAMES } from "../tests/support/databricks-warehouse/names";

const TLS_DIR = ".lakebook-bench-tls";
const SMOKE = process.env.BENCH_SMOKE === "1";
const ROWS = Number(process.env.BENCH_DATABRICKS_ROWS ?? (SMOKE ? 20_000 : 1_000_000));
const SQL = "SELECT * FROM samples.nyctaxi.trips";

// The app trusts the warehouse through the process CA store, which Node reads at
// start: re-run this script with it set.
if (!process.env.LAKEBOOK_BENCH_TRUSTS_WAREHOUSE) {
  const { certFile } = sharedCertificate(TLS_DIR, WAREHOUSE_NAMES);
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.resolve(certFile), LAKEBOOK_BENCH_TRUSTS_WAREHOUSE: "1" },
  });
  process.exit(result.status ?? 1);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-bench-db-"));
process.env.LAKEBOOK_DATA_DIR = dataDir;
process.env.LAKEBOOK_SAMPLE_TRIPS_ROWS = "1000";

const { startWarehouseProcess } = await import("./warehouse-process.mjs");
const { DatabricksEngine } = await import("../lib/server/engines/databricks/engine");
const { arrowBatchSource } = await import("../lib/server/engines/databricks/arrow-source");
const runs = await import("../lib/server/runs/runs");
const { runtime } = await import("../lib/server/runtime");
const { createTestUser } = await import("../tests/support/users");

console.log(`Generating ${ROWS.toLocaleString("en-US")} trips in the test warehouse…`);
// In a process of its own, as a real warehouse is another machine: its work is not the app's.
const warehouse = await startWarehouseProcess({ tripsRows: ROWS, certificateDir: TLS_DIR });
await runtime();
// Runs belong to a member of the metadata store (the runs table's foreign key).
const me = await createTestUser("member", "bench");

async function rawDriver(): Promise<{ rows: number; seconds: number }> {
  const client = new DBSQLClient({ logger: new DBSQLLogger({ level: LogLevel.error }) });
  (client.getConfig() as { useArrowNativeTypes?: boolean }).useArrowNativeTypes = false;
  await client.connect({
    host: "localhost",
    port: warehouse.port,
    path: warehouse.path,
    token: warehouse.token,
    telemetryEnabled: false,
    preserveBigNumericPrecision: true,
  });
  const session = await client.openSession();
  const started = performance.now();
  const operation = await session.executeStatement(SQL, { runAsync: true, maxRows: 50_000 });
  let rows = 0;
  do {
    rows += (await operation.fetchChunk({ maxRows: 50_000, disableBuffering: true })).length;
  } while (await operation.hasMoreRows());
  const seconds = (performance.now() - started) / 1000;
  await operation.close();
  await session.close();
  await client.close();
  return { rows, seconds };
}

/** The driver's Arrow batches taken and counted, nothing else: the ceiling for any reader of them. */
async function arrowLoop(): Promise<{ rows: number; seconds: number }> {
  const client = new DBSQLClient({ logger: new DBSQLLogger({ level: LogLevel.error }) });
  (client.getConfig() as { useArrowNativeTypes?: boolean }).useArrowNativeTypes = false;
  await client.connect({
    host: "localhost",
    port: warehouse.port,
    path: warehouse.path,
    token: warehouse.token,
    telemetryEnabled: false,
    preserveBigNumericPrecision: true,
  });
  const session = await client.openSession();
  const started = performance.now();
  const operation = await session.executeStatement(SQL, { runAsync: true, maxRows: 2_048 });
  await operation.getSchema();
  const source = await arrowBatchSource(operation);
  if (!source) throw new Error("the test warehouse did not answer in Arrow");
  let rows = 0;
  while (await source.hasMore()) rows += (await source.fetchNext({ limit: 50_000, disableBuffering: true })).rowCount;
  const seconds = (performance.now() - started) / 1000;
  await operation.close();
  await session.close();
  await client.close();
  return { rows, seconds };
}

async function throughApp(): Promise<{ rows: number; seconds: number; firstPageMs: number | null }> {
  const engine = new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token: warehouse.token },
  });
  await engine.testConnection();
  const started = performance.now();
  const { run } = await runs.startRun(me, { sql: SQL, connectionId: "bench", lane: "bench", pageSize: 100 }, engine);
  let view = run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 1000);
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  if (view.status !== "succeeded") throw new Error(`run ${view.status}: ${view.error?.message}`);
  return { rows: view.rowCount, seconds, firstPageMs: view.firstPageMs };
}

/** The process's peak RSS while `measure` runs (the test warehouse shares the process: compare phases, not totals). */
async function withPeakRss<T>(measure: () => Promise<T>): Promise<T & { peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await measure();
    return { ...result, peakRssMb: Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

// Warm both paths once (JIT, connections), then measure each twice and keep the best (smoke: once each).
const best = async <T extends { seconds: number }>(measure: () => Promise<T>): Promise<T> =>
  SMOKE ? measure() : [await measure(), await measure()].sort((a, b) => a.seconds - b.seconds)[0];
if (!SMOKE) await rawDriver();
const raw = await best(() => withPeakRss(rawDriver));
const arrow = await best(() => withPeakRss(arrowLoop));
const app = await best(() => withPeakRss(throughApp));
// Both paths must have read the whole result, or the figures mean nothing.
for (const [path, rows] of [
  ["raw driver", raw.rows],
  ["Arrow loop", arrow.rows],
  ["app", app.rows],
] as const) {
  if (rows !== ROWS) throw new Error(`${path} read ${rows} rows, not ${ROWS}`);
}

const rate = (r: { rows: number; seconds: number }) => r.rows / r.seconds;
const ratio = rate(app) / rate(arrow);
console.log("\nDatabricks path (test warehouse over HTTPS, real @databricks/sql driver)");
console.table([
  {
    path: "raw driver fetchChunk loop",
    rows: raw.rows,
    seconds: raw.seconds.toFixed(2),
    "rows/s": Math.round(rate(raw)),
    "peak RSS MiB": raw.peakRssMb,
  },
  {
    path: "bare loop over the driver's Arrow batches",
    rows: arrow.rows,
    seconds: arrow.seconds.toFixed(2),
    "rows/s": Math.round(rate(arrow)),
    "peak RSS MiB": arrow.peakRssMb,
  },
  {
    path: "app: engine + run store",
    rows: app.rows,
    seconds: app.seconds.toFixed(2),
    "rows/s": Math.round(rate(app)),
    "peak RSS MiB": app.peakRssMb,
  },
]);
console.log(`app / raw driver fetchChunk loop: ${(rate(app) / rate(raw)).toFixed(2)}x`);
console.log(`app / bare Arrow loop: ${ratio.toFixed(2)}x (target >= 0.80x) ${ratio >= 0.8 ? "PASS" : "MISS"}`);
console.log(`app first page after ${app.firstPageMs} ms`);

await warehouse.close();
(await runtime()).store.close();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
