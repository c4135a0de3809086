// The result-size phase: a query of N rows stored, paged and downloaded through
// the app, on a fresh server per run, beside DuckDB on its own doing the same.
import fs from "node:fs";
import path from "node:path";
import { Client, type CsvFigures } from "./client.mjs";
import type { PhaseContext } from "./context.mjs";
import { type DirectFigures, directBaselineInChild } from "./direct.mjs";
import { quietBudgetLeft } from "./quiet.mjs";
import { benchQuery, PAGE_LIMIT, warmUp } from "./runs.mjs";
import { type CpuFigures, cpuWatch, printServerLog, procMemory, rssSampler, startServer } from "./server.mjs";
import { DISTURBED, MAX_ATTEMPTS, PAGES, REPEATS, WARMUP_PAGES } from "./settings.mjs";
import { fmtMB, fmtS, list, log, median, percentile, sleep } from "./stats.mjs";

/** What Chromium sends with a download request. */
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";

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

/** One run of the app at `n` rows on a server of its own; returns its figures. */
async function appRun(ctx: PhaseContext, n: number, rep: number): Promise<AppRun> {
  const query = benchQuery(n);
  const dataDir = path.join(ctx.tmpRoot, `data-${n}-${rep}`);
  const logFile = path.join(ctx.tmpRoot, `server-${n}-${rep}.log`);
  await ctx.waitForQuiet();
  ctx.setStep(`${n} rows, run ${rep}: starting the server`);
  const server = await startServer({ cwd: ctx.cwd, dataDir, env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" }, logFile });
  const out = { rep } as AppRun;
  try {
    ctx.setStep(`${n} rows, run ${rep}: GET / and warm-up`);
    const client = new Client(server.base, ctx.cwd);
    await client.init(); // GET / also opens the runtime (warehouse + result store)
    await warmUp(client);
    out.pid = server.pid;
    out.processName = procMemory(server.pid).name;
    out.idleRss = procMemory(server.pid).rss;
    out.startupHwm = procMemory(server.pid).hwm; // peak so far: start-up and warm-up

    // (a) first page and (b) completion, as the results panel sees them.
    ctx.setStep(`${n} rows, run ${rep}: storing the result`);
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
      while (run.status === "running" && run.rowCount === 0) run = (await client.state(run.id, run.rowCount)).data;
      await client.page(run.id, 0, PAGE_LIMIT);
      out.firstPageMs = performance.now() - t0;
      out.firstPageVia = "state + page reads";
    }
    out.firstPageRows = started.data.run.rowCount;
    out.polls = 0;
    while (run.status === "running") {
      run = (await client.state(run.id, run.rowCount)).data;
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
    ctx.setStep(`${n} rows, run ${rep}: random pages`);
    out.pageMs = [];
    for (let i = 0; i < WARMUP_PAGES + PAGES; i++) {
      const offset = Math.floor(Math.random() * (n - PAGE_LIMIT + 1));
      const { ms, data } = await client.page(run.id, offset, PAGE_LIMIT);
      if (data.rows.length !== PAGE_LIMIT || data.rows[0][0] !== String(offset))
        throw new Error(`page at ${offset} is wrong: ${data.rows.length} rows, first ${JSON.stringify(data.rows[0])}`);
      if (i >= WARMUP_PAGES) out.pageMs.push(ms);
    }

    // (d) the CSV download, streamed and counted, never held in memory.
    ctx.setStep(`${n} rows, run ${rep}: CSV download`);
    watch = cpuWatch(server.pid);
    rss = rssSampler(server.pid);
    out.csv = await client.csv(run.id);
    out.csvCpu = watch();
    out.csvMaxRss = rss();

    // The same download as a browser asks for it: Next.js then compresses the
    // response (once per size; it is slow at 10M rows).
    if (rep === 1) {
      ctx.setStep(`${n} rows, run ${rep}: browser-style CSV download`);
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
    ctx.setStep(`${n} rows, run ${rep}: stopping the server`);
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

/** One result size: the DuckDB baseline, then REPEATS runs of the app, each on a fresh server; returns medians and peaks. */
export async function measureSize(ctx: PhaseContext, n: number) {
  const label = n.toLocaleString("en-US");
  // (c) DuckDB on its own, before any server starts, so they never compete for the cores.
  log(`${label} rows: DuckDB direct baseline (${REPEATS}× CTAS, ${REPEATS}× COPY, analysis runs)...`);
  let direct: DirectFigures;
  for (let attempt = 1; ; attempt++) {
    await ctx.waitForQuiet();
    ctx.setStep(`${n} rows: DuckDB direct baseline`);
    const watch = cpuWatch(null);
    direct = (await directBaselineInChild(benchQuery(n), n, path.join(ctx.tmpRoot, `direct-${n}`), {
      repeats: REPEATS,
    })) as DirectFigures;
    direct.cpu = watch();
    // The baseline's own process is not "other".
    direct.cpu.otherCpuS = Math.max(0, direct.cpu.otherCpuS - direct.cpuS);
    direct.attempts = attempt;
    const share = direct.cpu.otherCpuS / direct.cpu.wallS;
    if (share <= DISTURBED || attempt >= MAX_ATTEMPTS || quietBudgetLeft() <= 0) break;
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
      r = await appRun(ctx, n, rep);
      r.attempts = attempt;
      const share = Math.max(r.storeCpu.otherCpuS / r.storeCpu.wallS, r.csvCpu.otherCpuS / r.csvCpu.wallS);
      if (share <= DISTURBED || attempt >= MAX_ATTEMPTS || quietBudgetLeft() <= 0) break;
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

export type SizeFigures = Awaited<ReturnType<typeof measureSize>>;
