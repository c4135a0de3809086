// The full-download phase: every row of a result cut at the row cap, run again
// and streamed without being stored.
import fs from "node:fs";
import path from "node:path";
import { Client, type CsvFigures } from "./client.mjs";
import type { PhaseContext } from "./context.mjs";
import { benchQuery, storeRun, warmUp } from "./runs.mjs";
import { type CpuFigures, cpuWatch, printServerLog, procMemory, rssSampler, startServer } from "./server.mjs";
import { REPEATS } from "./settings.mjs";
import type { SizeFigures } from "./sizes.mjs";
import { fmtMB, fmtRate, fmtS, log, median, sleep, spread, table } from "./stats.mjs";

/** The row cap of the server that measures the full download: well below the size downloaded. */
const capRows = (n: number) => Math.min(100_000, Math.floor(n / 4));

/**
 * Downloading every row of a result cut at the cap (a POST, as the page's
 * button sends it): the largest size's query on a server that stores only a
 * quarter of it (at most 100,000 rows), so the
 * download runs it again and streams it without storing it. One server,
 * REPEATS downloads.
 */
export async function measureFull(ctx: PhaseContext, n: number) {
  const capped = capRows(n);
  const dataDir = path.join(ctx.tmpRoot, "data-full");
  await ctx.waitForQuiet();
  ctx.setStep("full download: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-full.log");
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir,
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000", LAKEBOOK_RESULT_MAX_ROWS: String(capped) },
    logFile,
  });
  const runs: { rep: number; csv: CsvFigures; cpu: CpuFigures; maxRss: number }[] = [];
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    await warmUp(client);
    const idleRss = procMemory(server.pid).rss;
    ctx.setStep("full download: storing the capped result");
    const run = await storeRun(client, benchQuery(n));
    if (!run.truncated || run.rowCount !== capped)
      throw new Error(`expected a result cut at ${capped} rows, got ${run.rowCount} (truncated: ${run.truncated})`);
    for (let rep = 1; rep <= REPEATS; rep++) {
      await ctx.waitForQuiet();
      ctx.setStep(`full download, run ${rep}`);
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
    ctx.setStep("full download: stopping the server");
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export type FullFigures = Awaited<ReturnType<typeof measureFull>>;

/** The full-download figures (see measureFull), beside the stored download of the same size. */
export function reportFull(full: FullFigures, stored: SizeFigures | undefined): void {
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
    `\nDownloading every row past the cap: ${(full.rows / 1e6).toLocaleString("en-US")}M rows, the server storing ${capRows(full.rows).toLocaleString("en-US")} (median of ${full.runs.length} downloads)\n`,
  );
  console.log(table(["", "value"], rows));
}
