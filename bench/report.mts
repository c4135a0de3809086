// The report of a bench: every phase's table, then the targets; and, for
// BENCH_SMOKE=1, the check that every phase produced figures.
import type { Build, machine } from "./build.mjs";
import { type CompletionFigures, reportCompletions } from "./completions.mjs";
import type { AddTarget } from "./context.mjs";
import { type EditorPageFigures, reportEditorPage } from "./editor-page.mjs";
import { type ExportFigures, reportExports } from "./exports.mjs";
import { type FullFigures, reportFull } from "./full.mjs";
import { type HostilePhase, reportHostile } from "./hostile.mjs";
import { type PageClickFigures, reportPageClicks } from "./page-clicks.mjs";
import { reportScan, type ScanFigures } from "./scan.mjs";
import {
  COMPLETIONS,
  EDITOR_PAGE,
  EXPORTS,
  FULL,
  HOSTILE,
  PAGE_CLICKS,
  SCAN,
  SIZES,
  TEAM,
  VIEWS,
} from "./settings.mjs";
import type { SizeFigures } from "./sizes.mjs";
import { reportSizes } from "./sizes-report.mjs";
import { log, table } from "./stats.mjs";
import { reportTeam, type TeamFigures } from "./team-figures.mjs";
import { reportViews, type ViewFigures } from "./views.mjs";

/** Everything a run measured; BENCH_JSON saves it and BENCH_REPORT prints it again. */
export interface Figures {
  machine: ReturnType<typeof machine>;
  build: Build;
  smoke: boolean;
  results: SizeFigures[];
  scan: ScanFigures | null;
  full: FullFigures | null;
  /** Absent from figures saved before the export phase. */
  exports?: ExportFigures | null;
  hostile: HostilePhase | null;
  team: TeamFigures | null;
  completions: CompletionFigures | null;
  editorPage: EditorPageFigures | null;
  views: ViewFigures | null;
  pageClicks: PageClickFigures | null;
  targets?: string[][];
}

/** Every table of a run's figures (or of a saved run's, BENCH_REPORT), then the targets; returns the target rows. */
export function report({
  results = [],
  scan,
  full,
  exports,
  hostile,
  team,
  completions,
  editorPage,
  views,
  pageClicks,
}: Partial<Figures>): string[][] {
  const targets: string[][] = [];
  const add: AddTarget = (name, measured, goal, pass) => targets.push([name, measured, goal, pass ? "PASS" : "MISS"]);
  if (results.length > 0) reportSizes(results, add);
  if (scan) reportScan(scan);
  if (full)
    reportFull(
      full,
      results.find((r) => r.rows === full.rows),
    );
  if (exports) reportExports(exports, add);
  if (hostile) reportHostile(hostile, add);
  if (team) reportTeam(team, add);
  if (completions) reportCompletions(completions, add);
  if (editorPage) reportEditorPage(editorPage);
  if (views) reportViews(views, add);
  if (pageClicks) reportPageClicks(pageClicks, add);
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

const median0 = (values: number[]): number => (values.length > 0 ? values[0] : Number.NaN);

/**
 * BENCH_SMOKE=1: every phase that was to run ran and produced figures. The
 * targets are not checked (tiny sizes on a busy machine say nothing of them).
 */
export function checkSmoke(figures: Figures): void {
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  const problems: string[] = [];
  for (const r of figures.results)
    if (![r.storeMs, r.csvMs, r.page.p95, r.peakRss].every(finite)) problems.push(`${r.rows} rows: missing figures`);
  if (SCAN && !(figures.scan && finite(figures.scan.storeMs) && finite(figures.scan.csvMs)))
    problems.push("table scan: missing figures");
  if (FULL && SIZES.length > 0 && !(figures.full && finite(figures.full.ms) && figures.full.runs.length > 0))
    problems.push("full download: missing figures");
  if (EXPORTS) {
    const e = figures.exports;
    const missing = [
      ...["csv", "tsv", "json", "ndjson", "parquet", "xlsx"].filter(
        (f) => !(e?.formats[f] && finite(median0(e.formats[f].ms)) && e.formats[f].bytes > 0),
      ),
      ...["csv", "parquet", "arrow"]
        .filter((f) => !(e?.api?.[f] && finite(median0(e.api[f].ms)) && e.api[f].bytes > 0))
        .map((f) => `API ${f}`),
    ];
    if (!e || missing.length > 0 || !finite(e.duck.ms))
      problems.push(`exports: missing figures (${missing.join(", ")})`);
  }
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
  if (COMPLETIONS) {
    const c = figures.completions;
    if (!c || !finite(c.cold.p95Ms) || !finite(c.warm.p95Ms)) problems.push("completion: missing figures");
  }
  if (PAGE_CLICKS) {
    const c = figures.pageClicks;
    if (!c || !finite(c.ended.p50Ms) || c.ended.count === 0) problems.push("page clicks: missing figures");
  }
  if (VIEWS) {
    const v = figures.views;
    if (
      !v ||
      v.filters.some((f) => !finite(f.appMs) || !finite(f.readMs) || !finite(f.directMs)) ||
      v.profiles.some((p) => !finite(p.appMs))
    )
      problems.push("filters and profiles: missing figures");
  }
  if (EDITOR_PAGE) {
    const e = figures.editorPage;
    if (!e || !finite(e.coldUsableMs) || !(e.coldJsBytes > 0)) problems.push("editor page: missing figures");
  }
  if (problems.length > 0) {
    console.error(`bench smoke: FAILED\n  ${problems.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    log("bench smoke: every phase ran and produced figures");
  }
}
