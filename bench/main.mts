// Lakebook benchmark: large results through the real production server path
// (server actions over HTTP as the browser calls them, the CSV route), against
// DuckDB on its own. See docs/PERFORMANCE.md.
//
//   npm run bench                        # 1M and 10M rows, 3 repetitions each
//   BENCH_SIZES=100000,1000000 npm run bench
//   BENCH_REPEATS=1 npm run bench        # quicker, noisier
//   BENCH_JSON=out.json npm run bench    # also write the raw figures
//   BENCH_REBUILD=1 npm run bench        # run next build first even if .next exists
//   BENCH_APP_DIR=/tmp/app npm run bench # measure another checkout of the app (with node_modules)
//   BENCH_QUIET_WAIT=0 npm run bench     # do not wait for other jobs on the machine to go quiet
//   BENCH_REPORT=out.json npm run bench  # print the tables of a saved run again, measuring nothing
//   BENCH_SCAN=0 npm run bench           # skip the query over the 5M-row sample table
//   BENCH_FULL=0 npm run bench           # skip the download of every row past the row cap
//   BENCH_SIZES=0 npm run bench          # skip the result-size phases (e.g. to run only the two below)
//   BENCH_HOSTILE=0 npm run bench        # skip the event-loop delay under hostile input (statements,
//                                        #   notebook imports, titles at the input limits)
//   BENCH_HOSTILE_TIMEOUT_S=120          # a hostile input unanswered this long counts as blocking the server
//   BENCH_TEAM=0 npm run bench           # skip "a team at once" (20 members paging, 2 storing 10M rows,
//                                        #   1 flooding runs); BENCH_TEAM_THINK_MS=500 between a member's pages
//   BENCH_SMOKE=1 npm run bench          # every phase at tiny sizes, 1 repetition, no waiting for quiet,
//                                        #   BENCH_SCAN=0 BENCH_FULL=0 unless set: checks the bench works
//                                        #   (`npm test` runs it); exits 1 if a phase produced no figures
//
// Exits 0 once the figures are printed, whatever they are (a benchmark, not a
// test); exits 1 only if something crashed (or, with BENCH_SMOKE=1, produced no figures).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client, type CsvFigures } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { type DirectFigures, directBaselineInChild } from "./direct.mjs";
import { type HostilePhase, measureHostile, reportHostile } from "./hostile.mjs";
import { benchQuery, PAGE_LIMIT, storeRun } from "./runs.mjs";
import {
  type CpuFigures,
  cpuWatch,
  machineBusySeconds,
  printServerLog,
  procMemory,
  rssSampler,
  startServer,
  stopAllServers,
} from "./server.mjs";
import { fmtMB, fmtS, log, median, percentile, sleep, table } from "./stats.mjs";
import { measureTeam, reportTeam, type TeamFigures } from "./team.mjs";

/** The app to measure: this checkout, or another one (e.g. an exported commit) given by BENCH_APP_DIR. */
const cwd = path.resolve(process.env.BENCH_APP_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
/** Tiny sizes and one repetition, to check that every phase still works (see checkSmoke). */
const SMOKE = process.env.BENCH_SMOKE === "1";
const SIZES = (process.env.BENCH_SIZES ?? (SMOKE ? "20000" : "1000000,10000000"))
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? (SMOKE ? 1 : 3)));
const PAGES = Number(process.env.BENCH_PAGES ?? (SMOKE ? 10 : 50));
const WARMUP_PAGES = 3;
/** A phase is disturbed when other processes used more than this share of a core during it; it is measured again. */
const DISTURBED = 0.25;
const MAX_ATTEMPTS = SMOKE ? 1 : 3;
/** What Chromium sends with a download request. */
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
/** Longest wait for other jobs on the machine to finish before each measurement (s). */
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? (SMOKE ? 0 : 300));
/** Also measure a query over a stored table (see measureScan); BENCH_SCAN=0 skips it. */
const SCAN = (process.env.BENCH_SCAN ?? (SMOKE ? "0" : "1")) !== "0";
/** Also measure downloading every row of a result cut at the cap (see measureFull); BENCH_FULL=0 skips it. */
const FULL = (process.env.BENCH_FULL ?? (SMOKE ? "0" : "1")) !== "0";
/** Event-loop delay under hostile input (hostile.mts); BENCH_HOSTILE=0 skips it. */
const HOSTILE = process.env.BENCH_HOSTILE !== "0";
/** A team at once (team.mts); BENCH_TEAM=0 skips it. */
const TEAM = process.env.BENCH_TEAM !== "0";
/** The row cap of the server that measures the full download. */
const FULL_CAP_ROWS = 100_000;

/** What the bench is doing, for the watchdog's message. */
let step = "starting";
let tmpRootForCleanup: string | null = null;
/** A whole bench that takes longer than this is stuck somewhere: stop and say where. */
const WATCHDOG_MS = Number(process.env.BENCH_TIMEOUT_S ?? (SMOKE ? 600 : 3600)) * 1000;

/** One app run's figures (see appRun). */
interface AppRun {
  rep: number;
  attempts: number;
  pid: number;
  processName: string;
  idleRss: number;
  startupHwm: number;
  firstPageMs: number;
  firstPageVia: string;
  firstPageRows: number;
  polls: number;
  storeMs: number;
  storeCpu: CpuFigures;
  storeMaxRss: number;
  serverElapsedMs: number | null;
  serverFirstPageMs: number | null;
  rssAfterStore: number;
  pageMs: number[];
  csv: CsvFigures;
  csvCpu: CpuFigures;
  csvMaxRss: number;
  csvBrowser?: CsvFigures;
  csvBrowserCpu?: CpuFigures;
  peakRss: number;
  finalRss: number;
}

/** One table-scan run's figures (see measureScan). */
interface ScanRun {
  rep: number;
  idleRss: number;
  storeMs: number;
  storeCpu: CpuFigures;
  storeMaxRss: number;
  columns: number;
  csv: CsvFigures;
  csvCpu: CpuFigures;
  csvMaxRss: number;
  peakRss: number;
}

type SizeFigures = Awaited<ReturnType<typeof measureSize>>;
type ScanFigures = Awaited<ReturnType<typeof measureScan>>;
type FullFigures = Awaited<ReturnType<typeof measureFull>>;
type Build = { built: boolean; stale: boolean };

/** Everything a run measured; BENCH_JSON saves it and BENCH_REPORT prints it again. */
interface Figures {
  machine: ReturnType<typeof machine>;
  build: Build;
  smoke: boolean;
  results: SizeFigures[];
  scan: ScanFigures | null;
  full: FullFigures | null;
  hostile: HostilePhase | null;
  team: TeamFigures | null;
  targets?: string[][];
}

function ensureBuild(): Build {
  const buildId = path.join(cwd, ".next/BUILD_ID");
  if (fs.existsSync(buildId) && process.env.BENCH_REBUILD !== "1") {
    const built = fs.statSync(buildId).mtimeMs;
    const newer: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (
          /\.(ts|tsx|js|mjs|css)$/.test(entry.name) &&
          !/\.test\./.test(entry.name) &&
          fs.statSync(p).mtimeMs > built
        )
          newer.push(path.relative(cwd, p));
      }
    };
    for (const d of ["app", "lib", "components"]) if (fs.existsSync(path.join(cwd, d))) walk(path.join(cwd, d));
    for (const f of ["proxy.ts", "instrumentation.ts", "next.config.js"]) {
      const p = path.join(cwd, f);
      if (fs.existsSync(p) && fs.statSync(p).mtimeMs > built) newer.push(f);
    }
    if (newer.length > 0) {
      log(
        `WARNING: .next is older than ${newer.length} source file(s): ${newer.slice(0, 5).join(", ")}${newer.length > 5 ? ", ..." : ""}`,
      );
      log("         measuring the existing build; set BENCH_REBUILD=1 to build the current sources first.");
    } else {
      log("using the existing production build (.next/BUILD_ID)");
    }
    return { built: false, stale: newer.length > 0 };
  }
  log(`${fs.existsSync(buildId) ? "BENCH_REBUILD=1" : "no production build"}: running next build...`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(cwd, "node_modules/next/dist/bin/next"), "build"], {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { built: true, stale: false };
}

function machine() {
  let nproc = "?";
  try {
    nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    // not on coreutils
  }
  return {
    nproc,
    cpu: os.cpus()[0]?.model ?? "?",
    memTotalGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    memAvailableGiB: (os.freemem() / 1024 ** 3).toFixed(1),
    node: process.version,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
  };
}

/**
 * Waits (up to QUIET_WAIT_S in all, over the whole bench) until the rest of the
 * machine uses under 15% of a core for 2 s: on a 2-core machine another job
 * would otherwise take the cores the figures depend on.
 */
let quietBudgetS = QUIET_WAIT_S;
async function waitForQuiet() {
  let announced = false;
  for (;;) {
    const m0 = machineBusySeconds();
    const b0 = process.cpuUsage();
    await sleep(2_000);
    const own = process.cpuUsage(b0);
    // CPU-seconds used by everything else during the 2 s, i.e. cores × 2.
    const other = machineBusySeconds().busy - m0.busy - (own.user + own.system) / 1e6;
    if (other / 2 < 0.15) return;
    if (quietBudgetS <= 0) {
      if (!announced)
        log(`  the machine is busy (${((other / 2) * 100).toFixed(0)}% of a core elsewhere); measuring anyway`);
      return;
    }
    if (!announced)
      log(`  waiting for the machine to be quiet (${((other / 2) * 100).toFixed(0)}% of a core used elsewhere)...`);
    announced = true;
    quietBudgetS -= 2;
  }
}

/**
 * Every action and the CSV route once on a tiny result, so that module loading
 * and first-call compilation are not in the measured figures.
 */
async function warmUp(client: Client): Promise<void> {
  const run = await storeRun(client, benchQuery(1000), "warmup");
  await client.data("pageAction", { runId: run.id, offset: 500, limit: PAGE_LIMIT, sort: null });
  await client.csv(run.id);
}

/** One run of the app at `n` rows on a server of its own; returns its figures. */
async function appRun(n: number, tmpRoot: string, rep: number): Promise<AppRun> {
  const query = benchQuery(n);
  const dataDir = path.join(tmpRoot, `data-${n}-${rep}`);
  const logFile = path.join(tmpRoot, `server-${n}-${rep}.log`);
  await waitForQuiet();
  step = `${n} rows, run ${rep}: starting the server`;
  const server = await startServer({ cwd, dataDir, env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" }, logFile });
  const out = { rep } as AppRun;
  try {
    step = `${n} rows, run ${rep}: GET / and warm-up`;
    const client = new Client(server.base, cwd);
    await client.init(); // GET / also opens the runtime (warehouse + result store)
    await warmUp(client);
    out.pid = server.pid;
    out.processName = procMemory(server.pid).name;
    out.idleRss = procMemory(server.pid).rss;
    out.startupHwm = procMemory(server.pid).hwm; // peak so far: start-up and warm-up

    // (a) first page and (b) completion, as the results panel sees them.
    step = `${n} rows, run ${rep}: storing the result`;
    let watch = cpuWatch(server.pid);
    let rss = rssSampler(server.pid);
    const t0 = performance.now();
    const started = await client.data("startRunAction", {
      connectionId: "builtin",
      sql: query,
      lane: "bench",
      pageSize: PAGE_LIMIT,
    });
    let run = started.data.run;
    if (run.status === "failed") throw new Error(`run failed: ${JSON.stringify(run.error)}`);
    if (started.data.page && started.data.page.rows.length > 0) {
      out.firstPageMs = started.ms;
      out.firstPageVia = "startRunAction";
    } else {
      // No page within the action's 2 s wait: poll like the browser, then fetch page 0.
      while (run.status === "running" && run.rowCount === 0)
        run = (await client.data("runStateAction", { runId: run.id, knownRows: run.rowCount, waitMs: 1000 })).data;
      await client.data("pageAction", { runId: run.id, offset: 0, limit: PAGE_LIMIT, sort: null });
      out.firstPageMs = performance.now() - t0;
      out.firstPageVia = "runStateAction + pageAction";
    }
    out.firstPageRows = started.data.run.rowCount;
    out.polls = 0;
    while (run.status === "running") {
      run = (await client.data("runStateAction", { runId: run.id, knownRows: run.rowCount, waitMs: 1000 })).data;
      out.polls++;
    }
    out.storeMs = performance.now() - t0;
    out.storeCpu = watch();
    out.storeMaxRss = rss();
    out.serverElapsedMs = run.elapsedMs;
    out.serverFirstPageMs = run.firstPageMs;
    if (run.status !== "succeeded") throw new Error(`run ended ${run.status}: ${JSON.stringify(run.error)}`);
    if (run.rowCount !== n)
      throw new Error(`run stored ${run.rowCount} rows, expected ${n} (truncated: ${run.truncated})`);
    out.rssAfterStore = procMemory(server.pid).rss;

    // (e) random pages across the whole result; each is checked (trip_id = row number).
    step = `${n} rows, run ${rep}: random pages`;
    out.pageMs = [];
    for (let i = 0; i < WARMUP_PAGES + PAGES; i++) {
      const offset = Math.floor(Math.random() * (n - PAGE_LIMIT + 1));
      const { ms, data } = await client.data("pageAction", { runId: run.id, offset, limit: PAGE_LIMIT, sort: null });
      if (data.rows.length !== PAGE_LIMIT || data.rows[0][0] !== String(offset))
        throw new Error(`page at ${offset} is wrong: ${data.rows.length} rows, first ${JSON.stringify(data.rows[0])}`);
      if (i >= WARMUP_PAGES) out.pageMs.push(ms);
    }

    // (d) the CSV download, streamed and counted, never held in memory.
    step = `${n} rows, run ${rep}: CSV download`;
    watch = cpuWatch(server.pid);
    rss = rssSampler(server.pid);
    out.csv = await client.csv(run.id);
    out.csvCpu = watch();
    out.csvMaxRss = rss();

    // The same download as a browser asks for it: Next.js then compresses the
    // response (once per size; it is slow at 10M rows).
    if (rep === 1) {
      step = `${n} rows, run ${rep}: browser-style CSV download`;
      watch = cpuWatch(server.pid);
      out.csvBrowser = await client.csv(run.id, { acceptEncoding: BROWSER_ACCEPT_ENCODING });
      out.csvBrowserCpu = watch();
    }
    if (out.csv.lines !== n + 1) throw new Error(`CSV has ${out.csv.lines} lines, expected ${n + 1}`);

    // (f) peak RSS of the serving process over this server's whole life.
    await sleep(100);
    const mem = procMemory(server.pid);
    out.peakRss = mem.hwm;
    out.finalRss = mem.rss;
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    step = `${n} rows, run ${rep}: stopping the server`;
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

async function measureSize(n: number, tmpRoot: string) {
  const label = n.toLocaleString("en-US");
  // (c) DuckDB on its own, before any server starts, so they never compete for the cores.
  log(`${label} rows: DuckDB direct baseline (${REPEATS}× CTAS, ${REPEATS}× COPY, analysis runs)...`);
  let direct: DirectFigures;
  for (let attempt = 1; ; attempt++) {
    await waitForQuiet();
    step = `${n} rows: DuckDB direct baseline`;
    const watch = cpuWatch(null);
    direct = (await directBaselineInChild(benchQuery(n), n, path.join(tmpRoot, `direct-${n}`), {
      repeats: REPEATS,
    })) as DirectFigures;
    direct.cpu = watch();
    // The baseline's own process is not "other".
    direct.cpu.otherCpuS = Math.max(0, direct.cpu.otherCpuS - direct.cpuS);
    direct.attempts = attempt;
    const share = direct.cpu.otherCpuS / direct.cpu.wallS;
    if (share <= DISTURBED || attempt >= MAX_ATTEMPTS || quietBudgetS <= 0) break;
    log(`  disturbed (other processes used ${(share * 100).toFixed(0)}% of a core): measuring again`);
  }
  log(
    `  CTAS ${list(direct.ctasMs)}, COPY ${list(direct.copyMs)} (${fmtMB(direct.copyBytes)}); ` +
      `segmented COPY ${fmtS(direct.segmentedCopyMs)}, stream→stage→INSERT ${fmtS(direct.streamAppend.ms)} ` +
      `(waiting for chunks ${fmtS(direct.streamAppend.fetchMs)}, appending ${fmtS(direct.streamAppend.appendMs)})`,
  );

  const runs: AppRun[] = [];
  for (let rep = 1; rep <= REPEATS; rep++) {
    let r: AppRun;
    for (let attempt = 1; ; attempt++) {
      r = await appRun(n, tmpRoot, rep);
      r.attempts = attempt;
      const share = Math.max(r.storeCpu.otherCpuS / r.storeCpu.wallS, r.csvCpu.otherCpuS / r.csvCpu.wallS);
      if (share <= DISTURBED || attempt >= MAX_ATTEMPTS || quietBudgetS <= 0) break;
      log(`  app run ${rep} disturbed (other processes used ${(share * 100).toFixed(0)}% of a core): measuring again`);
    }
    runs.push(r);
    log(
      `  app run ${rep}/${REPEATS} (pid ${r.pid}, ${r.processName}): first page ${fmtS(r.firstPageMs)}, ` +
        `stored ${fmtS(r.storeMs)} (server CPU ${r.storeCpu.serverCpuS.toFixed(1)} s, other ${r.storeCpu.otherCpuS.toFixed(1)} s), ` +
        `pages p50/p95 ${percentile(r.pageMs, 50)?.toFixed(1)}/${percentile(r.pageMs, 95)?.toFixed(1)} ms, ` +
        `CSV ${fmtS(r.csv.ms)} ${fmtMB(r.csv.bytes)} (server CPU ${r.csvCpu.serverCpuS.toFixed(1)} s, client ${r.csvCpu.benchCpuS.toFixed(1)} s, other ${r.csvCpu.otherCpuS.toFixed(1)} s), ` +
        `peak RSS ${fmtMB(r.peakRss)}` +
        (r.csvBrowser
          ? `; browser-style download (${r.csvBrowser.encoding}) ${fmtS(r.csvBrowser.ms)} ${fmtMB(r.csvBrowser.bytes)} (server CPU ${r.csvBrowserCpu?.serverCpuS.toFixed(1)} s)`
          : ""),
    );
  }
  const pageMs = runs.flatMap((r) => r.pageMs);
  return {
    rows: n,
    direct,
    runs,
    firstPageMs: median(runs.map((r) => r.firstPageMs)),
    storeMs: median(runs.map((r) => r.storeMs)),
    storeServerCpuS: median(runs.map((r) => r.storeCpu.serverCpuS)),
    ctasMs: median(direct.ctasMs),
    copyMs: median(direct.copyMs),
    csvMs: median(runs.map((r) => r.csv.ms)),
    csvBytes: runs[0].csv.bytes,
    csvServerCpuS: median(runs.map((r) => r.csvCpu.serverCpuS)),
    csvClientCpuS: median(runs.map((r) => r.csvCpu.benchCpuS)),
    csvBrowser: runs[0].csvBrowser as CsvFigures,
    csvBrowserServerCpuS: (runs[0].csvBrowserCpu as CpuFigures).serverCpuS,
    // Never empty: every run measures PAGES pages.
    page: {
      p50: percentile(pageMs, 50) as number,
      p95: percentile(pageMs, 95) as number,
      max: Math.max(...pageMs),
      count: pageMs.length,
    },
    idleRss: Math.max(...runs.map((r) => r.idleRss)),
    startupHwm: Math.max(...runs.map((r) => r.startupHwm)),
    storeMaxRss: Math.max(...runs.map((r) => r.storeMaxRss)),
    csvMaxRss: Math.max(...runs.map((r) => r.csvMaxRss)),
    rssAfterStore: Math.max(...runs.map((r) => r.rssAfterStore)),
    peakRss: Math.max(...runs.map((r) => r.peakRss)),
    otherCpuS: Math.max(direct.cpu.otherCpuS, ...runs.flatMap((r) => [r.storeCpu.otherCpuS, r.csvCpu.otherCpuS])),
    // Worst share of a core used by other processes in any measured phase.
    otherCpuShare: Math.max(
      direct.cpu.otherCpuS / direct.cpu.wallS,
      ...runs.flatMap((r) => [r.storeCpu.otherCpuS / r.storeCpu.wallS, r.csvCpu.otherCpuS / r.csvCpu.wallS]),
    ),
  };
}

/** The table a newcomer explores first, at the size the app generates by default. */
const SCAN_SQL = "SELECT * FROM samples.nyctaxi.trips";
const SCAN_ROWS = 5_000_000;

/**
 * A query that reads a stored table, as a newcomer's first query does: all of
 * samples.nyctaxi.trips (5M rows, 14 columns with strings, decimals and
 * timestamps) on servers with the default sample catalog. Unlike range(N), it
 * fills the warehouse's buffer cache with the table's blocks (up to
 * LAKEBOOK_WAREHOUSE_MEMORY) and its rows are three times as wide. The catalog
 * is generated by the first server and reused by the next ones; each run starts
 * with an empty result store.
 */
async function measureScan(tmpRoot: string) {
  const dataDir = path.join(tmpRoot, "data-scan");
  const runs: ScanRun[] = [];
  for (let rep = 1; rep <= REPEATS; rep++) {
    fs.rmSync(path.join(dataDir, "results"), { recursive: true, force: true });
    await waitForQuiet();
    step = `table scan, run ${rep}: starting the server`;
    if (rep === 1) log("table scan: the first server generates the sample catalog (5M trips)...");
    const logFile = path.join(tmpRoot, `server-scan-${rep}.log`);
    const server = await startServer({ cwd, dataDir, env: {}, logFile, startupTimeoutMs: 600_000 });
    const out = { rep } as ScanRun;
    try {
      const client = new Client(server.base, cwd);
      await client.init();
      await warmUp(client);
      out.idleRss = procMemory(server.pid).rss;
      step = `table scan, run ${rep}: storing the result`;
      let watch = cpuWatch(server.pid);
      let rss = rssSampler(server.pid);
      const t0 = performance.now();
      const run = await storeRun(client, SCAN_SQL);
      out.storeMs = performance.now() - t0;
      out.storeCpu = watch();
      out.storeMaxRss = rss();
      if (run.rowCount !== SCAN_ROWS) throw new Error(`the scan stored ${run.rowCount} rows, expected ${SCAN_ROWS}`);
      out.columns = run.columns.length;
      step = `table scan, run ${rep}: CSV download`;
      watch = cpuWatch(server.pid);
      rss = rssSampler(server.pid);
      out.csv = await client.csv(run.id);
      out.csvCpu = watch();
      out.csvMaxRss = rss();
      // Values with line breaks are quoted, so a row can span several lines.
      if ((out.csv.lines as number) < SCAN_ROWS + 1)
        throw new Error(`the scan's CSV has ${out.csv.lines} lines, expected at least ${SCAN_ROWS + 1}`);
      await sleep(100);
      out.peakRss = procMemory(server.pid).hwm;
    } catch (error) {
      printServerLog(logFile);
      throw error;
    } finally {
      step = `table scan, run ${rep}: stopping the server`;
      await server.stop();
    }
    runs.push(out);
    log(
      `  scan run ${rep}/${REPEATS}: stored ${fmtS(out.storeMs)} (server CPU ${out.storeCpu.serverCpuS.toFixed(1)} s), ` +
        `CSV ${fmtS(out.csv.ms)} ${fmtMB(out.csv.bytes)}, peak RSS ${fmtMB(out.peakRss)}`,
    );
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    sql: SCAN_SQL,
    rows: SCAN_ROWS,
    columns: runs[0].columns,
    runs,
    storeMs: median(runs.map((r) => r.storeMs)),
    storeServerCpuS: median(runs.map((r) => r.storeCpu.serverCpuS)),
    csvMs: median(runs.map((r) => r.csv.ms)),
    csvBytes: runs[0].csv.bytes,
    idleRss: Math.max(...runs.map((r) => r.idleRss)),
    storeMaxRss: Math.max(...runs.map((r) => r.storeMaxRss)),
    csvMaxRss: Math.max(...runs.map((r) => r.csvMaxRss)),
    peakRss: Math.max(...runs.map((r) => r.peakRss)),
  };
}

/**
 * Downloading every row of a result cut at the cap (`?all=1`): the largest
 * size's query on a server that stores only FULL_CAP_ROWS of it, so the
 * download runs it again and streams it without storing it. One server,
 * REPEATS downloads.
 */
async function measureFull(n: number, tmpRoot: string) {
  const dataDir = path.join(tmpRoot, "data-full");
  await waitForQuiet();
  step = "full download: starting the server";
  const logFile = path.join(tmpRoot, "server-full.log");
  const server = await startServer({
    cwd,
    dataDir,
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000", LAKEBOOK_RESULT_MAX_ROWS: String(FULL_CAP_ROWS) },
    logFile,
  });
  const runs: { rep: number; csv: CsvFigures; cpu: CpuFigures; maxRss: number }[] = [];
  try {
    const client = new Client(server.base, cwd);
    await client.init();
    await warmUp(client);
    const idleRss = procMemory(server.pid).rss;
    step = "full download: storing the capped result";
    const run = await storeRun(client, benchQuery(n));
    if (!run.truncated || run.rowCount !== FULL_CAP_ROWS)
      throw new Error(
        `expected a result cut at ${FULL_CAP_ROWS} rows, got ${run.rowCount} (truncated: ${run.truncated})`,
      );
    for (let rep = 1; rep <= REPEATS; rep++) {
      await waitForQuiet();
      step = `full download, run ${rep}`;
      const watch = cpuWatch(server.pid);
      const rss = rssSampler(server.pid);
      const csv = await client.csv(run.id, { all: true });
      const out = { rep, csv, cpu: watch(), maxRss: rss() };
      if (csv.lines !== n + 1) throw new Error(`the full download has ${csv.lines} lines, expected ${n + 1}`);
      runs.push(out);
      log(
        `  full download ${rep}/${REPEATS}: ${fmtS(csv.ms)} ${fmtMB(csv.bytes)} (server CPU ${out.cpu.serverCpuS.toFixed(1)} s), highest RSS ${fmtMB(out.maxRss)}`,
      );
    }
    await sleep(100);
    return {
      rows: n,
      runs,
      ms: median(runs.map((r) => r.csv.ms)),
      bytes: runs[0].csv.bytes,
      serverCpuS: median(runs.map((r) => r.cpu.serverCpuS)),
      idleRss,
      maxRss: Math.max(...runs.map((r) => r.maxRss)),
      peakRss: procMemory(server.pid).hwm,
    };
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    step = "full download: stopping the server";
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The full-download figures (see measureFull), beside the stored download of the same size. */
function reportFull(full: FullFigures, stored: SizeFigures | undefined): void {
  const rate = full.rows / (full.ms / 1000);
  const rows = [
    ["download time", fmtS(full.ms) + spread(full.runs.map((x) => x.csv.ms))],
    [
      "  CSV size, rows/s, MB/s",
      `${fmtMB(full.bytes)}, ${fmtRate(rate)}, ${(full.bytes / 1e6 / (full.ms / 1000)).toFixed(1)}`,
    ],
    ["  server CPU", `${full.serverCpuS.toFixed(1)} s`],
  ];
  if (stored) {
    const storedRate = full.rows / (stored.csvMs / 1000);
    rows.push([
      "  vs the stored download of the same rows",
      `${fmtRate(storedRate)} rows/s: ${(rate / storedRate).toFixed(2)}×`,
    ]);
  }
  rows.push(
    ["server RSS before", fmtMB(full.idleRss)],
    ["  highest sampled RSS during the downloads", fmtMB(full.maxRss)],
    ["peak server RSS (VmHWM)", fmtMB(full.peakRss)],
  );
  console.log(
    `\nDownloading every row past the cap: ${(full.rows / 1e6).toLocaleString("en-US")}M rows, the server storing ${FULL_CAP_ROWS.toLocaleString("en-US")} (median of ${full.runs.length} downloads)\n`,
  );
  console.log(table(["", "value"], rows));
}

const fmtRate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
const list = (ms: number[]): string => `${ms.map((x) => (x / 1000).toFixed(2)).join("/")} s`;
const spread = (values: number[]): string =>
  values.length > 1 ? ` (${(Math.min(...values) / 1000).toFixed(2)}–${(Math.max(...values) / 1000).toFixed(2)})` : "";

/** The table-scan figures (see measureScan). */
function reportScan(scan: ScanFigures): void {
  const rows = [
    ["time to completion (store)", fmtS(scan.storeMs) + spread(scan.runs.map((x) => x.storeMs))],
    ["  server CPU during store", `${scan.storeServerCpuS.toFixed(1)} s`],
    ["CSV download", fmtS(scan.csvMs) + spread(scan.runs.map((x) => x.csv.ms))],
    [
      "  CSV size, rows/s, MB/s",
      `${fmtMB(scan.csvBytes)}, ${fmtRate(scan.rows / (scan.csvMs / 1000))}, ${(scan.csvBytes / 1e6 / (scan.csvMs / 1000)).toFixed(1)}`,
    ],
    ["server RSS idle after warm-up", fmtMB(scan.idleRss)],
    ["  highest sampled RSS during store / download", `${fmtMB(scan.storeMaxRss)} / ${fmtMB(scan.csvMaxRss)}`],
    ["peak server RSS (VmHWM, max over runs)", fmtMB(scan.peakRss)],
  ];
  console.log(
    `\nReading a stored table: ${scan.sql} (${(scan.rows / 1e6).toLocaleString("en-US")}M rows, ${scan.columns} columns; median of ${scan.runs.length} runs)\n`,
  );
  console.log(table(["", "value"], rows));
}

/** The result-size figures and their target rows (see measureSize). */
function reportSizes(results: SizeFigures[], add: AddTarget): void {
  const cols = results.map((r) => `${(r.rows / 1e6).toLocaleString("en-US")}M rows`);
  const row = (label: string, f: (r: SizeFigures) => string) => [label, ...results.map(f)];
  const figures = [
    row("time to first page (startRunAction)", (r) => fmtS(r.firstPageMs) + spread(r.runs.map((x) => x.firstPageMs))),
    row("time to completion (store)", (r) => fmtS(r.storeMs) + spread(r.runs.map((x) => x.storeMs))),
    row("  server CPU during store", (r) => `${r.storeServerCpuS.toFixed(1)} s`),
    row("DuckDB direct CTAS", (r) => fmtS(r.ctasMs) + spread(r.direct.ctasMs)),
    row("DuckDB direct stream→stage→INSERT (analysis)", (r) => fmtS(r.direct.streamAppend.ms)),
    row("DuckDB direct COPY t TO csv", (r) => fmtS(r.copyMs) + spread(r.direct.copyMs)),
    row("  COPY size, rows/s", (r) => `${fmtMB(r.direct.copyBytes)}, ${fmtRate(r.rows / (r.copyMs / 1000))}`),
    row("DuckDB direct COPY at the store's 64MB limit (analysis)", (r) => fmtS(r.direct.copy64Ms)),
    row("DuckDB direct segment COPYs as the download writes them (analysis)", (r) => fmtS(r.direct.segmentedCopyMs)),
    row("CSV download (GET /api/runs/<id>/csv)", (r) => fmtS(r.csvMs) + spread(r.runs.map((x) => x.csv.ms))),
    row("  CSV size", (r) => fmtMB(r.csvBytes)),
    row("  CSV rows/s", (r) => fmtRate(r.rows / (r.csvMs / 1000))),
    row("  CSV MB/s", (r) => (r.csvBytes / 1e6 / (r.csvMs / 1000)).toFixed(1)),
    row(
      "  server / client CPU during download",
      (r) => `${r.csvServerCpuS.toFixed(1)} s / ${r.csvClientCpuS.toFixed(1)} s`,
    ),
    row(
      "CSV download, browser Accept-Encoding (run 1 only)",
      (r) => `${fmtS(r.csvBrowser.ms)}, ${r.csvBrowser.encoding}`,
    ),
    row(
      "  bytes on the wire, rows/s",
      (r) => `${fmtMB(r.csvBrowser.bytes)}, ${fmtRate(r.rows / (r.csvBrowser.ms / 1000))}`,
    ),
    row("  server CPU during browser-style download", (r) => `${r.csvBrowserServerCpuS.toFixed(1)} s`),
    row(
      `pageAction p50 (${results[0].page.count} random pages of ${PAGE_LIMIT})`,
      (r) => `${r.page.p50.toFixed(1)} ms`,
    ),
    row("pageAction p95", (r) => `${r.page.p95.toFixed(1)} ms`),
    row("pageAction max", (r) => `${r.page.max.toFixed(1)} ms`),
    row("  DuckDB direct page query p50 (analysis)", (r) => `${r.direct.pageQueryMs.toFixed(1)} ms`),
    row("server RSS idle after warm-up", (r) => fmtMB(r.idleRss)),
    row("  peak during start-up + warm-up (VmHWM)", (r) => fmtMB(r.startupHwm)),
    row("  highest sampled RSS during store / download", (r) => `${fmtMB(r.storeMaxRss)} / ${fmtMB(r.csvMaxRss)}`),
    row("peak server RSS (VmHWM, max over runs)", (r) => fmtMB(r.peakRss)),
    row("other processes' CPU (worst phase)", (r) => `${(r.otherCpuShare * 100).toFixed(0)}% of a core`),
  ];
  console.log(`\nFigures (median of ${results[0].runs.length} runs, (min–max) in seconds; a fresh server per run)\n`);
  console.log(table(["", ...cols], figures));

  const small = results[0];
  const big = results[results.length - 1];
  const bigCol = cols[results.length - 1];
  add(
    `first page ≤ 0.2 × store time (${bigCol})`,
    `${fmtS(big.firstPageMs)} / ${fmtS(big.storeMs)} = ${(big.firstPageMs / big.storeMs).toFixed(3)}×`,
    "≤ 0.2×",
    big.firstPageMs / big.storeMs <= 0.2,
  );
  for (const [i, r] of results.entries()) {
    const ratio = r.storeMs / r.ctasMs;
    add(
      `store time ≤ 1.5 × DuckDB CTAS (${cols[i]})`,
      `${fmtS(r.storeMs)} / ${fmtS(r.ctasMs)} = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  for (const [i, r] of results.entries()) {
    const ratio = r.copyMs / r.csvMs; // throughput ratio over the same rows
    add(
      `CSV throughput ≥ 0.5 × DuckDB COPY (${cols[i]})`,
      `${fmtRate(r.rows / (r.csvMs / 1000))} / ${fmtRate(r.rows / (r.copyMs / 1000))} rows/s = ${ratio.toFixed(2)}×`,
      "≥ 0.5×",
      ratio >= 0.5,
    );
  }
  if (results.length > 1) {
    const ratio = big.page.p95 / small.page.p95;
    add(
      `page p95 flat ${cols[0]} → ${bigCol}`,
      `${small.page.p95.toFixed(1)} ms → ${big.page.p95.toFixed(1)} ms = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  const worst = Math.max(...results.map((r) => r.page.p95));
  add("page p95 well under 150 ms (worst size)", `${worst.toFixed(1)} ms`, "< 150 ms", worst < 150);
  for (const [i, r] of results.entries())
    add(`peak server RSS (${cols[i]})`, fmtMB(r.peakRss), "< 400 MiB", r.peakRss < 400 * 1024 ** 2);
}

/** Every table of a run's figures (or of a saved run's, BENCH_REPORT), then the targets; returns the target rows. */
function report({ results = [], scan, full, hostile, team }: Partial<Figures>): string[][] {
  const targets: string[][] = [];
  const add: AddTarget = (name, measured, goal, pass) => targets.push([name, measured, goal, pass ? "PASS" : "MISS"]);
  if (results.length > 0) reportSizes(results, add);
  if (scan) reportScan(scan);
  if (full)
    reportFull(
      full,
      results.find((r) => r.rows === full.rows),
    );
  if (hostile) reportHostile(hostile, add);
  if (team) reportTeam(team, add);
  console.log("\nTargets\n");
  console.log(table(["target", "measured", "goal", "result"], targets));
  const busy = Math.max(
    0,
    ...results.map((r) => r.otherCpuShare),
    ...(hostile?.inputs ?? []).map((r) => r.cpu.otherCpuS / r.cpu.wallS),
    ...(team ? [team.cpu.otherCpuS / team.cpu.wallS] : []),
  );
  if (busy > 0.15)
    console.log(
      `\nWARNING: other processes used up to ${(busy * 100).toFixed(0)}% of a core during a measured phase; the machine was not quiet, so timings are pessimistic.`,
    );
  return targets;
}

async function main() {
  if (process.env.BENCH_REPORT) {
    // Print the tables again from raw figures saved by BENCH_JSON, measuring nothing.
    const saved: Figures = JSON.parse(fs.readFileSync(process.env.BENCH_REPORT, "utf8"));
    log(`figures of ${process.env.BENCH_REPORT}; machine then: ${JSON.stringify(saved.machine)}`);
    report(saved);
    return;
  }
  const t0 = performance.now();
  const env = machine();
  log(
    `machine: ${env.nproc} cores (${env.cpu}), ${env.memTotalGiB} GiB RAM, node ${env.node}, load average ${env.loadavg}` +
      (SMOKE ? "; BENCH_SMOKE=1: tiny sizes, figures not comparable" : ""),
  );
  const build = ensureBuild();
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-bench-"));
  tmpRootForCleanup = tmpRoot;
  const figures: Figures = {
    machine: env,
    build,
    smoke: SMOKE,
    results: [],
    scan: null,
    full: null,
    hostile: null,
    team: null,
  };
  // What the phases in the other files need from this one.
  const ctx: PhaseContext = {
    cwd,
    tmpRoot,
    smoke: SMOKE,
    waitForQuiet,
    setStep: (text) => {
      step = text;
    },
  };
  try {
    for (const n of SIZES) figures.results.push(await measureSize(n, tmpRoot));
    if (SCAN) figures.scan = await measureScan(tmpRoot);
    if (FULL && SIZES.length > 0) figures.full = await measureFull(Math.max(...SIZES), tmpRoot);
    if (HOSTILE) figures.hostile = await measureHostile(ctx);
    if (TEAM) figures.team = await measureTeam(ctx);
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  figures.targets = report(figures);
  log(
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s${build.stale ? " (WARNING: build older than sources)" : ""}`,
  );
  if (process.env.BENCH_JSON) {
    fs.writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(figures, null, 2)}\n`);
    log(`raw figures written to ${process.env.BENCH_JSON}`);
  }
  if (SMOKE) checkSmoke(figures);
}

/**
 * BENCH_SMOKE=1: every phase that was to run ran and produced figures. The
 * targets are not checked (tiny sizes on a busy machine say nothing of them).
 */
function checkSmoke(figures: Figures): void {
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  const problems: string[] = [];
  for (const r of figures.results)
    if (![r.storeMs, r.csvMs, r.page.p95, r.peakRss].every(finite)) problems.push(`${r.rows} rows: missing figures`);
  if (HOSTILE) {
    const inputs = figures.hostile?.inputs ?? [];
    if (inputs.length < 2) problems.push("hostile inputs: none measured");
    for (const r of inputs) {
      // A server that stopped answering is a figure too ("> the timeout"), if a bad one.
      if (!finite(r.ms) || (!r.blocked && !finite(r.cheap.maxMs)))
        problems.push(`hostile input "${r.name}": no timing`);
      if (!r.blocked && !(r.delay && finite(r.delay.maxMs) && finite(r.delay.p99Ms)))
        problems.push(`hostile input "${r.name}": no event-loop delay (is /api/bench/event-loop in the build?)`);
    }
  }
  if (TEAM) {
    const t = figures.team;
    if (!t || !finite(t.heavy.p95Ms) || !finite(t.peakRss) || !t.delay || t.flood.started === 0)
      problems.push("team: missing figures");
    else if (t.quiet.errors + t.heavy.errors > 0) problems.push(`team: pages failed (${t.pageErrors[0]?.message})`);
  }
  if (problems.length > 0) {
    console.error(`bench smoke: FAILED\n  ${problems.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    log("bench smoke: every phase ran and produced figures");
  }
}

/** Stops this bench's servers and removes its temporary files, then exits. */
async function abort(reason: string): Promise<void> {
  console.error(`bench stopped: ${reason}`);
  await stopAllServers();
  if (tmpRootForCleanup) fs.rmSync(tmpRootForCleanup, { recursive: true, force: true });
  process.exit(1);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void abort(`${signal} while: ${step}`));
setTimeout(() => void abort(`no result after ${WATCHDOG_MS / 1000} s, stuck while: ${step}`), WATCHDOG_MS).unref();

main().catch((error) => {
  console.error("bench crashed:", error);
  void abort(`error while: ${step}`);
});
