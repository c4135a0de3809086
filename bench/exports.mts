// The export phase: a stored result downloaded in every format
// (GET /api/runs/<id>/export?format=…), then through the API with a token
// (GET /api/v1/runs/<id>/results.{csv,parquet,arrow}), against DuckDB's own
// COPY of the same rows to Parquet. BENCH_EXPORTS=0 skips it;
// BENCH_EXPORTS_ROWS sets the size.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Client } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { duckdb, settings } from "./direct-stream.mjs";
import { benchQuery, storeRun, warmUp } from "./runs.mjs";
import { type CpuFigures, cpuWatch, printServerLog, procMemory, rssSampler, startServer } from "./server.mjs";
import { REPEATS } from "./settings.mjs";
import { fmtMB, fmtRate, fmtS, log, median, spread, table } from "./stats.mjs";

const FORMATS = ["csv", "tsv", "json", "ndjson", "parquet", "xlsx"] as const;
/** What a script pulls through the API, against the browser's CSV and DuckDB's COPY. */
const API_FORMATS = ["csv", "parquet", "arrow"] as const;

/** Rows exported: 1M (an Excel sheet holds 1,048,575), 20,000 in smoke mode. */
export const exportRows = (smoke: boolean) => Number(process.env.BENCH_EXPORTS_ROWS ?? (smoke ? 20_000 : 1_000_000));

/** Streams one download, counting its bytes without keeping them. */
function download(
  url: string,
  headers: Record<string, string>,
  format: string,
): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`${format} export: HTTP ${res.statusCode}`));
        else resolve({ ms: performance.now() - t0, bytes });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * DuckDB on its own, in this process: the same rows in a table of a database
 * file, copied to Parquet with its default threads and with one thread (the
 * result store runs each statement on one).
 */
async function duckdbParquet(query: string, dir: string, repeats: number) {
  fs.mkdirSync(dir, { recursive: true });
  const DuckDBInstance = await duckdb();
  const instance = await DuckDBInstance.create(
    path.join(dir, "direct.duckdb"),
    settings("160MB", path.join(dir, "spill")),
  );
  const file = path.join(dir, "x.parquet");
  try {
    const c = await instance.connect();
    await c.run(`CREATE TABLE t AS ${query}`);
    await c.run("CHECKPOINT");
    const threads = Number((await c.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]);
    const copy = async () => {
      const t0 = performance.now();
      await c.run(`COPY t TO '${file}' (FORMAT parquet)`);
      const ms = performance.now() - t0;
      fs.rmSync(file, { force: true });
      return ms;
    };
    const ms: number[] = [];
    for (let i = 0; i < repeats; i++) ms.push(await copy());
    await c.run("SET threads = 1");
    const oneThreadMs: number[] = [];
    for (let i = 0; i < repeats; i++) oneThreadMs.push(await copy());
    c.closeSync();
    return { threads, ms: median(ms), oneThreadMs: median(oneThreadMs) };
  } finally {
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureExports(ctx: PhaseContext) {
  const n = exportRows(ctx.smoke);
  const dataDir = path.join(ctx.tmpRoot, "data-exports");
  await ctx.waitForQuiet();
  ctx.setStep("exports: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-exports.log");
  const server = await startServer({ cwd: ctx.cwd, dataDir, env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" }, logFile });
  const formats: Record<string, { ms: number[]; bytes: number; cpu: CpuFigures[]; maxRss: number }> = {};
  const api: typeof formats = {};
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    await warmUp(client);
    ctx.setStep("exports: storing the result");
    const run = await storeRun(client, benchQuery(n));
    if (run.rowCount !== n) throw new Error(`expected ${n} stored rows, got ${run.rowCount}`);
    for (const format of FORMATS) {
      const figures = { ms: [] as number[], bytes: 0, cpu: [] as CpuFigures[], maxRss: 0 };
      for (let rep = 1; rep <= REPEATS; rep++) {
        await ctx.waitForQuiet();
        ctx.setStep(`exports: ${format}, run ${rep}`);
        const watch = cpuWatch(server.pid);
        const rss = rssSampler(server.pid);
        const url = `${client.base}/api/runs/${run.id}/export?format=${format}`;
        const { ms, bytes } = await download(url, { Cookie: client.cookie as string }, format);
        figures.ms.push(ms);
        figures.bytes = bytes;
        figures.cpu.push(watch());
        figures.maxRss = Math.max(figures.maxRss, rss());
        log(`  ${format} export ${rep}/${REPEATS}: ${fmtS(ms)} ${fmtMB(bytes)}`);
      }
      formats[format] = figures;
    }
    ctx.setStep("exports: making an API token");
    const made = await client.call("createTokenAction", { name: "bench", days: 1, scopes: ["read"] });
    if (!made.value.ok) throw new Error(`createTokenAction: ${made.value.error}`);
    const token = (made.value.data as { token: string }).token;
    for (const format of API_FORMATS) {
      const figures = { ms: [] as number[], bytes: 0, cpu: [] as CpuFigures[], maxRss: 0 };
      for (let rep = 1; rep <= REPEATS; rep++) {
        await ctx.waitForQuiet();
        ctx.setStep(`exports: API ${format}, run ${rep}`);
        const watch = cpuWatch(server.pid);
        const rss = rssSampler(server.pid);
        const url = `${client.base}/api/v1/runs/${run.id}/results.${format}`;
        const { ms, bytes } = await download(url, { Authorization: `Bearer ${token}` }, `API ${format}`);
        figures.ms.push(ms);
        figures.bytes = bytes;
        figures.cpu.push(watch());
        figures.maxRss = Math.max(figures.maxRss, rss());
        log(`  API ${format} ${rep}/${REPEATS}: ${fmtS(ms)} ${fmtMB(bytes)}`);
      }
      api[format] = figures;
    }
    const idleRss = procMemory(server.pid).rss;
    ctx.setStep("exports: DuckDB's own COPY to Parquet");
    const duck = await duckdbParquet(benchQuery(n), path.join(ctx.tmpRoot, "direct-exports"), REPEATS);
    return { rows: n, formats, api, duck, idleRss, peakRss: procMemory(server.pid).hwm };
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    ctx.setStep("exports: stopping the server");
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export type ExportFigures = Awaited<ReturnType<typeof measureExports>>;

export function reportExports(figures: ExportFigures, add: AddTarget): void {
  const named = [
    ...Object.entries(figures.formats),
    ...Object.entries(figures.api ?? {}).map(([format, f]) => [`API ${format}`, f] as const),
  ];
  const rows = named.map(([format, f]) => {
    const ms = median(f.ms);
    return [
      format,
      fmtS(ms) + spread(f.ms),
      fmtMB(f.bytes),
      `${fmtRate(figures.rows / (ms / 1000))}`,
      `${median(f.cpu.map((c) => c.serverCpuS)).toFixed(1)} s`,
      fmtMB(f.maxRss),
    ];
  });
  rows.push([
    "DuckDB COPY to Parquet",
    fmtS(figures.duck.ms),
    "",
    fmtRate(figures.rows / (figures.duck.ms / 1000)),
    `${figures.duck.threads} threads`,
    "",
  ]);
  rows.push([
    "  the same on one thread",
    fmtS(figures.duck.oneThreadMs),
    "",
    fmtRate(figures.rows / (figures.duck.oneThreadMs / 1000)),
    "",
    "",
  ]);
  console.log(
    `\nExports of a stored result: ${figures.rows.toLocaleString("en-US")} rows (median of ${figures.formats.csv?.ms.length ?? 0})\n`,
  );
  console.log(table(["format", "time", "size", "rows/s", "server CPU", "highest RSS"], rows));
  const parquet = figures.formats.parquet;
  if (parquet) {
    const ratio = figures.duck.ms / median(parquet.ms);
    add("Parquet export vs DuckDB's own COPY", `${ratio.toFixed(2)}×`, "≥ 0.8×", ratio >= 0.8);
  }
  const apiCsv = figures.api?.csv;
  if (apiCsv && figures.formats.csv) {
    // Throughput ratio: the browser's CSV time over the API's (same rows, same bytes).
    const ratio = median(figures.formats.csv.ms) / median(apiCsv.ms);
    add("API results.csv vs the browser's CSV download", `${ratio.toFixed(2)}×`, "≥ 0.9×", ratio >= 0.9);
  }
  for (const format of ["parquet", "arrow"] as const) {
    const f = figures.api?.[format];
    if (f) {
      const ratio = figures.duck.ms / median(f.ms);
      add(`API results.${format} vs DuckDB's own COPY to Parquet`, `${ratio.toFixed(2)}×`, "recorded", true);
    }
  }
}
