// The bench's settings, from environment variables (documented at the top of
// main.mts and in docs/PERFORMANCE.md).
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The app to measure: this checkout, or another one (e.g. an exported commit) given by BENCH_APP_DIR. */
export const cwd = path.resolve(
  process.env.BENCH_APP_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."),
);
/**
 * Tiny sizes and one repetition, to check that every phase still works (see
 * checkSmoke in report.mts): `npm run bench -- --smoke`, or BENCH_SMOKE=1.
 */
export const SMOKE = process.argv.includes("--smoke") || process.env.BENCH_SMOKE === "1";
export const SIZES = (process.env.BENCH_SIZES ?? (SMOKE ? "20000" : "1000000,10000000"))
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
export const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? (SMOKE ? 1 : 3)));
export const PAGES = Number(process.env.BENCH_PAGES ?? (SMOKE ? 10 : 50));
export const WARMUP_PAGES = 3;
/** A phase is disturbed when other processes used more than this share of a core during it; it is measured again. */
export const DISTURBED = 0.25;
export const MAX_ATTEMPTS = SMOKE ? 1 : 3;
/** Longest wait for other jobs on the machine to finish before each measurement (s). */
export const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT ?? (SMOKE ? 0 : 300));
/** Also measure a query over a stored table (scan.mts); BENCH_SCAN=0 skips it. */
export const SCAN = process.env.BENCH_SCAN !== "0";
/** Also measure downloading every row of a result cut at the cap (full.mts); BENCH_FULL=0 skips it. */
export const FULL = process.env.BENCH_FULL !== "0";
/** Exports of a stored result in every format (exports.mts); BENCH_EXPORTS=0 skips it. */
export const EXPORTS = process.env.BENCH_EXPORTS !== "0";
/** Event-loop delay under hostile input (hostile.mts); BENCH_HOSTILE=0 skips it. */
export const HOSTILE = process.env.BENCH_HOSTILE !== "0";
/** A team at once (team.mts); BENCH_TEAM=0 skips it. */
export const TEAM = process.env.BENCH_TEAM !== "0";
/** Next page in Chromium while rows stream in and after (page-clicks.mts); BENCH_PAGE_CLICKS=0 skips it. */
export const PAGE_CLICKS = process.env.BENCH_PAGE_CLICKS !== "0";
/** Filters and profiles over a stored result (views.mts); BENCH_VIEWS=0 skips it. */
export const VIEWS = process.env.BENCH_VIEWS !== "0";
/** The editor's completion (completions.mts); BENCH_COMPLETIONS=0 skips it. */
export const COMPLETIONS = process.env.BENCH_COMPLETIONS !== "0";
/** The editor page in Chromium (editor-page.mts); BENCH_EDITOR_PAGE=0 skips it. */
export const EDITOR_PAGE = process.env.BENCH_EDITOR_PAGE !== "0";
/** The Databricks path (databricks.mts, in a process of its own); BENCH_DATABRICKS=0 skips it. */
export const DATABRICKS = process.env.BENCH_DATABRICKS !== "0";
/** A whole bench that takes longer than this is stuck somewhere: stop and say where. */
export const WATCHDOG_MS = Number(process.env.BENCH_TIMEOUT_S ?? (SMOKE ? 600 : 3600)) * 1000;
