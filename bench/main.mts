// Lakebook benchmark: large results through the real production server path
// (server actions over HTTP as the browser calls them, the CSV route), against
// DuckDB on its own; then the Databricks path (databricks.mts). See
// docs/PERFORMANCE.md.
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
//   BENCH_EXPORTS=0 npm run bench        # skip the exports in every format (BENCH_EXPORTS_ROWS, default 1M)
//   BENCH_SIZES=0 npm run bench          # skip the result-size phases (e.g. to run only the two below)
//   BENCH_HOSTILE=0 npm run bench        # skip the event-loop delay under hostile input (statements,
//                                        #   notebook imports, titles at the input limits)
//   BENCH_HOSTILE_TIMEOUT_S=120          # a hostile input unanswered this long counts as blocking the server
//   BENCH_TEAM=0 npm run bench           # skip "a team at once" (20 members paging, 2 storing 10M rows,
//                                        #   1 flooding runs); BENCH_TEAM_THINK_MS=500 between a member's pages
//   BENCH_COMPLETIONS=0 npm run bench    # skip the editor's completion (a table's columns, cold and warm)
//   BENCH_VIEWS=0 npm run bench          # skip filters and profiles over a stored 10M-row result
//   BENCH_PAGE_CLICKS=0 npm run bench    # skip "Next page" in Chromium while a 20M-row query streams in and after
//   BENCH_EDITOR_PAGE=0 npm run bench    # skip the editor page in Chromium (JavaScript and time until it takes keys)
//   BENCH_DATABRICKS=0 npm run bench     # skip the Databricks path (npm run bench:databricks runs it alone)
//   npm run bench -- --smoke             # every phase at tiny sizes, 1 repetition, no waiting for quiet
//                                        #   (the scan over 50,000 sample trips, the Databricks path at
//                                        #   20,000 rows): checks the bench works (`npm test` runs it); exits 1
//                                        #   if a phase produced no figures. BENCH_SMOKE=1 does the same.
//
// Exits 0 once the figures are printed, whatever they are (a benchmark, not a
// test); exits 1 only if something crashed (or, in smoke mode, produced no figures).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBuild, machine } from "./build.mjs";
import { measureCompletions } from "./completions.mjs";
import type { PhaseContext } from "./context.mjs";
import { runDatabricks, stopDatabricks } from "./databricks-phase.mjs";
import { measureEditorPage } from "./editor-page.mjs";
import { measureExports } from "./exports.mjs";
import { measureFull } from "./full.mjs";
import { measureHostile } from "./hostile.mjs";
import { measurePageClicks } from "./page-clicks.mjs";
import { waitForQuiet } from "./quiet.mjs";
import { checkSmoke, type Figures, report } from "./report.mjs";
import { measureScan } from "./scan.mjs";
import { stopAllServers } from "./server.mjs";
import {
  COMPLETIONS,
  cwd,
  DATABRICKS,
  EDITOR_PAGE,
  EXPORTS,
  FULL,
  HOSTILE,
  PAGE_CLICKS,
  SCAN,
  SIZES,
  SMOKE,
  TEAM,
  VIEWS,
  WATCHDOG_MS,
} from "./settings.mjs";
import { measureSize } from "./sizes.mjs";
import { log } from "./stats.mjs";
import { measureTeam } from "./team.mjs";
import { measureViews } from "./views.mjs";

/** What the bench is doing, for the watchdog's message. */
let step = "starting";
let tmpRootForCleanup: string | null = null;

async function main(): Promise<void> {
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
      (SMOKE ? "; smoke: tiny sizes, figures not comparable" : ""),
  );
  const build = ensureBuild(cwd);
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-bench-"));
  tmpRootForCleanup = tmpRoot;
  const figures: Figures = {
    machine: env,
    build,
    smoke: SMOKE,
    results: [],
    scan: null,
    full: null,
    exports: null,
    hostile: null,
    team: null,
    completions: null,
    editorPage: null,
    views: null,
    pageClicks: null,
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
    for (const n of SIZES) figures.results.push(await measureSize(ctx, n));
    if (SCAN) figures.scan = await measureScan(ctx);
    if (FULL && SIZES.length > 0) figures.full = await measureFull(ctx, Math.max(...SIZES));
    if (EXPORTS) figures.exports = await measureExports(ctx);
    if (HOSTILE) figures.hostile = await measureHostile(ctx);
    if (TEAM) figures.team = await measureTeam(ctx);
    if (COMPLETIONS) figures.completions = await measureCompletions(ctx);
    if (VIEWS) figures.views = await measureViews(ctx);
    if (PAGE_CLICKS) figures.pageClicks = await measurePageClicks(ctx);
    if (EDITOR_PAGE) figures.editorPage = await measureEditorPage(ctx);
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
  if (DATABRICKS) {
    // The watchdog covers the phases above, as before the Databricks path became a phase (it had none).
    clearTimeout(watchdog);
    step = "the Databricks path";
    log("the Databricks path (bench/databricks.mts)...");
    const code = await runDatabricks(SMOKE);
    if (code !== 0) {
      console.error(`bench: the Databricks path failed (exit ${code})`);
      process.exitCode = 1;
    }
  }
}

/** Stops this bench's servers and removes its temporary files, then exits. */
async function abort(reason: string): Promise<void> {
  console.error(`bench stopped: ${reason}`);
  stopDatabricks();
  await stopAllServers();
  if (tmpRootForCleanup) fs.rmSync(tmpRootForCleanup, { recursive: true, force: true });
  process.exit(1);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void abort(`${signal} while: ${step}`));
const watchdog = setTimeout(
  () => void abort(`no result after ${WATCHDOG_MS / 1000} s, stuck while: ${step}`),
  WATCHDOG_MS,
).unref();

// Every other setting is an environment variable (above).
const unknown = process.argv.slice(2).filter((arg) => arg !== "--smoke");
if (unknown.length > 0) {
  console.error(
    `bench: unknown argument ${unknown.join(" ")}; the only one is --smoke (settings are BENCH_* variables)`,
  );
  process.exit(2);
}

main().catch((error) => {
  console.error("bench crashed:", error);
  void abort(`error while: ${step}: ${error instanceof Error ? error.message : String(error)}`);
});
