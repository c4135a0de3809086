// DuckDB on its own: the baseline the app is compared with, run by the bench in
// a child process. Threads left to DuckDB, extensions never fetched,
// memory_limit 160MB: the built-in warehouse's former default (now 100MB), kept
// so that the baseline does not get slower when the app's memory gets smaller.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { duckdb, type StreamAppendFigures, settings, streamAppend } from "./direct-stream.mjs";
import type { CpuFigures } from "./server.mjs";

/** The DuckDB baseline's figures (see directBaseline); the bench adds its CPU use and attempts. */
export interface DirectFigures {
  ctasMs: number[];
  copyMs: number[];
  threads: number;
  memoryLimit: string;
  copyBytes: number;
  pageQueryMs: number;
  copy64Ms: number;
  segmentedCopyMs: number;
  segmentedCopyBytes: number;
  streamAppend: StreamAppendFigures;
  /** CPU-seconds of the child process. */
  cpuS: number;
  cpu: CpuFigures;
  attempts: number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The app's CSV segment statement (store-sql.ts csvSegmentSql), over table t. */
function segmentSql(from: number, to: number, file: string): string {
  return `COPY (SELECT * FROM t WHERE rowid >= ${from} AND rowid < ${to}) TO '${file}' (FORMAT csv, HEADER false, NEW_LINE '\\r\\n', QUOTE '"', ESCAPE '"')`;
}

/**
 * Baseline: `CREATE TABLE t AS <query>` and `COPY t TO 'x.csv' (HEADER)`,
 * each `repeats` times. For the analysis, also: the median of 30 page
 * queries as the app writes them, and once each: the same COPY with
 * the result store's 64MB memory limit, the CSV written the
 * way the app's download writes it (rowid segments of one to four row groups,
 * two at a time, one thread each, CRLF, at the store's 64MB), and the query
 * streamed chunk by chunk into a second
 * database through staging tables, as runs.ts + ResultWriter do, without
 * HTTP or Next.js.
 */
export async function directBaseline(
  query: string,
  rows: number,
  dir: string,
  { repeats = 3 } = {},
): Promise<Omit<DirectFigures, "cpuS" | "cpu" | "attempts">> {
  fs.mkdirSync(dir, { recursive: true });
  const out = { ctasMs: [], copyMs: [] } as unknown as DirectFigures;
  const DuckDBInstance = await duckdb();
  const instance = await DuckDBInstance.create(
    path.join(dir, "direct.duckdb"),
    settings("160MB", path.join(dir, "spill")),
  );
  try {
    const c = await instance.connect();
    const [[threads, memory]] = (
      await c.runAndReadAll("SELECT current_setting('threads'), current_setting('memory_limit')")
    ).getRows();
    out.threads = Number(threads);
    out.memoryLimit = String(memory);

    for (let i = 0; i < repeats; i++) {
      await c.run("DROP TABLE IF EXISTS t");
      await c.run("CHECKPOINT");
      out.ctasMs.push(await timed(() => c.run(`CREATE TABLE t AS ${query}`)));
    }
    await c.run("CHECKPOINT");

    const csvFile = path.join(dir, "x.csv");
    for (let i = 0; i < repeats; i++) {
      out.copyMs.push(await timed(() => c.run(`COPY t TO '${csvFile}' (HEADER)`)));
      out.copyBytes = fs.statSync(csvFile).size;
      fs.rmSync(csvFile, { force: true });
    }

    // The app's page query (store-sql.ts pageSql) on its own: 100 rows at random row positions.
    const names = ["trip_id", "pickup", "fare", "passengers", "payment", "distance"];
    const values = names.map((c) => `left(CAST(${c} AS VARCHAR), 4097)`).join(", ");
    const pageMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const offset = Math.floor(Math.random() * (rows - 100));
      pageMs.push(
        await timed(async () => {
          const pc = await instance.connect();
          await pc.runAndReadAll(
            `SELECT rowid, ${values} FROM t WHERE rowid >= ${offset} AND rowid < ${offset + 100} ORDER BY rowid`,
          );
          pc.closeSync();
        }),
      );
    }
    out.pageQueryMs = pageMs.sort((a, b) => a - b)[15];

    // The same COPY under the result store's memory limit (LAKEBOOK_RESULTS_MEMORY, 64MB).
    await c.run("SET memory_limit = '64MB'");
    out.copy64Ms = await timed(() => c.run(`COPY t TO '${csvFile}' (HEADER)`));
    fs.rmSync(csvFile, { force: true });
    await c.run("SET memory_limit = '160MB'");

    // Segments as the download writes them (result-store.ts csvSegmentRows): whole
    // row groups, from one up to four and down again at the end, two at a time,
    // one thread each, at the store's 64MB.
    const rowGroup = 122_880;
    const segmentRows = (from: number) => {
      const groups = Math.floor(Math.min(from, (rows - from) / 4) / rowGroup);
      return Math.min(4 * rowGroup, Math.max(1, groups) * rowGroup);
    };
    let segBytes = 0;
    let nextRow = 0;
    const segmentWorker = async (k: number) => {
      const sc = await instance.connect();
      const segFile = path.join(dir, `seg-${k}.csv`);
      while (nextRow < rows) {
        const from = nextRow;
        nextRow = Math.min(rows, from + segmentRows(from));
        await sc.run(segmentSql(from, nextRow, segFile));
        segBytes += fs.statSync(segFile).size;
        fs.rmSync(segFile, { force: true });
      }
      sc.closeSync();
    };
    await c.run("SET memory_limit = '64MB'");
    await c.run("SET threads = 1");
    out.segmentedCopyMs = await timed(() => Promise.all([segmentWorker(0), segmentWorker(1)]));
    await c.run(`SET threads = ${out.threads}`);
    await c.run("SET memory_limit = '160MB'");
    out.segmentedCopyBytes = segBytes;
    c.closeSync();
  } finally {
    instance.closeSync();
  }

  out.streamAppend = await streamAppend(query, dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/**
 * `node --import tsx direct.mts <json>` runs the baseline in a process of its own and prints
 * its figures (and the CPU it used) as JSON, so that DuckDB is never loaded in
 * the bench's process, which measures the app afterwards (see `duckdb` in direct-stream.mts).
 */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { query, rows, dir, repeats } = JSON.parse(process.argv[2]);
  const out: Partial<DirectFigures> = await directBaseline(query, rows, dir, { repeats });
  const cpu = process.cpuUsage();
  out.cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify(out));
}

/** The baseline in a child process (see above); resolves with its figures. */
export function directBaselineInChild(
  query: string,
  rows: number,
  dir: string,
  { repeats = 3 } = {},
): Promise<Omit<DirectFigures, "cpu" | "attempts">> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // The bench's own Node options (`--import tsx`) load this TypeScript file in the child too.
      [...process.execArgv, fileURLToPath(import.meta.url), JSON.stringify({ query, rows, dir, repeats })],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`DuckDB baseline failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
