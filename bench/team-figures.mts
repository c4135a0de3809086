// The team phase's figures: its sizes and limits, the summary of what happened,
// and its table and target rows (the measuring is in team.mts).
import type { LoopDelay, RunView } from "./client.mjs";
import type { AddTarget } from "./context.mjs";
import type { CpuFigures } from "./server.mjs";
import { fmtMB, fmtMs, fmtS, percentile, table } from "./stats.mjs";

/** A pager waits this long (±50%) between two pages: someone paging quickly. */
export const THINK_MS = Number(process.env.BENCH_TEAM_THINK_MS ?? 500);
/** The members' own limit of runs at once (LAKEBOOK_MAX_RUNS_PER_USER, passed on to the server as set). */
export const PER_MEMBER_LIMIT = Number(process.env.LAKEBOOK_MAX_RUNS_PER_USER ?? 4);
export const PAGE_P95_TARGET_MS = 150;
export const RSS_TARGET_BYTES = 400 * 1024 ** 2;

/** One run followed to its end (see followRun). */
export interface Followed {
  refused: boolean;
  status?: RunView["status"];
  message: string | null;
  waited?: boolean;
  rows?: number;
  truncated?: boolean;
  ms: number;
}
export type PageLoop = {
  /** Each page's time at the bench, and the server's own time for it (Server-Timing). */
  pages: { phase: string; ms: number; serverMs: number }[];
  errors: { phase: string; message: string }[];
  stop: () => Promise<void>;
};

/** How many members do what, and with how many rows. */
export function teamSizes(smoke: boolean) {
  return smoke
    ? { pagers: 4, pagerRows: 20_000, storers: 2, storeRows: 200_000, flood: 10, floodRows: 20_000, quietMs: 2_000 }
    : {
        pagers: 20,
        pagerRows: 200_000,
        storers: 2,
        storeRows: 10_000_000,
        flood: 40,
        floodRows: 1_000_000,
        quietMs: 5_000,
      };
}

/**
 * A run refused, or ended, because no slot was free: the server's limit (or the
 * member's queue) was full. The message is the only sign the bench has.
 */
export const slotMessage = (message: string | null | undefined): boolean =>
  /already running \d+ quer|busy|free slot|too many/i.test(message ?? "");

/** The raw figures, and what the targets need from them. */
export function summarize(raw: {
  sizes: ReturnType<typeof teamSizes>;
  setupMs: number;
  pagerStoreMs: number;
  heavyMs: number;
  cpu: CpuFigures;
  idleRss: number;
  setupPeakRss: number;
  peakReset: boolean;
  heavyMaxRss: number;
  peakRss: number;
  delay: LoopDelay | null;
  floodRuns: Followed[];
  storeRuns: Followed[];
  smallRuns: Followed[];
  pages: PageLoop["pages"];
  pageErrors: PageLoop["errors"];
}) {
  const { floodRuns, storeRuns, smallRuns, pages, pageErrors, ...rest } = raw;
  const { sizes } = rest;
  const pageFigures = (name: string) => {
    const ms = pages.filter((p) => p.phase === name).map((p) => p.ms);
    const server = pages.filter((p) => p.phase === name && Number.isFinite(p.serverMs)).map((p) => p.serverMs);
    return {
      count: ms.length,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
      serverP50Ms: percentile(server, 50),
      serverP95Ms: percentile(server, 95),
      maxMs: ms.length ? Math.max(...ms) : null,
      errors: pageErrors.filter((e) => e.phase === name).length,
    };
  };
  const slotRefused = (r: Followed) => (r.refused || r.status === "failed") && slotMessage(r.message);
  const otherFailure = (r: Followed) => (r.refused || r.status !== "succeeded") && !slotMessage(r.message);
  const floodAccepted = floodRuns.filter((r) => !r.refused).length;
  // The flooder is under their own limit for their first PER_MEMBER_LIMIT runs:
  // fewer accepted than that means one of those was refused.
  const floodUnderLimitRefused = Math.max(0, Math.min(PER_MEMBER_LIMIT, sizes.flood) - floodAccepted);
  const others = [...storeRuns, ...smallRuns];
  const failures = [...floodRuns, ...others].filter(otherFailure).map((r) => r.message ?? r.status);
  return {
    ...rest,
    pageErrors: pageErrors.slice(0, 5),
    perMemberLimit: PER_MEMBER_LIMIT,
    thinkMs: THINK_MS,
    quiet: pageFigures("quiet"),
    heavy: pageFigures("heavy"),
    flood: {
      started: floodRuns.length,
      accepted: floodAccepted,
      waited: floodRuns.filter((r) => r.waited).length,
      succeeded: floodRuns.filter((r) => r.status === "succeeded").length,
      slotRefused: floodRuns.filter(slotRefused).length,
      underLimitRefused: floodUnderLimitRefused,
    },
    stores: storeRuns.map((r) => ({
      status: r.refused ? "refused" : r.status,
      rows: r.rows,
      ms: r.ms,
      waited: r.waited,
    })),
    small: {
      started: smallRuns.length,
      succeeded: smallRuns.filter((r) => r.status === "succeeded").length,
      waited: smallRuns.filter((r) => r.waited).length,
      maxMs: Math.max(...smallRuns.map((r) => r.ms)),
    },
    underLimitRefused: others.filter(slotRefused).length + floodUnderLimitRefused,
    otherFailures: failures.length,
    failureMessages: [...new Set(failures)].slice(0, 5),
  };
}

export type TeamFigures = ReturnType<typeof summarize>;

/** The team table, and the target rows it adds. */
export function reportTeam(team: TeamFigures, addTarget: AddTarget): void {
  const s = team.sizes;
  const pageRow = (p: TeamFigures["quiet"]) =>
    `${fmtMs(p.p50Ms)} / ${fmtMs(p.p95Ms)} / ${fmtMs(p.maxMs)} (${p.count} pages${p.errors ? `, ${p.errors} failed` : ""})`;
  const storesDone = team.stores.map((r) => `${r.status} ${fmtS(r.ms)}${r.waited ? " (waited)" : ""}`).join(", ");
  const rows = [
    ["members (invited, joined, signed in)", `${s.pagers + s.storers + 1} in ${fmtS(team.setupMs)}`],
    [
      `pagers' own results (${s.pagers} × ${s.pagerRows.toLocaleString("en-US")} rows, one after another)`,
      fmtS(team.pagerStoreMs),
    ],
    [
      `pages p50 / p95 / max, quiet (${fmtS(s.quietMs)}; a page every ${team.thinkMs} ms ±50% each)`,
      pageRow(team.quiet),
    ],
    ["pages p50 / p95 / max, during the heavy work", pageRow(team.heavy)],
    [
      "  the server's own time for them (Server-Timing), p50 / p95: quiet; heavy",
      `${fmtMs(team.quiet.serverP50Ms)} / ${fmtMs(team.quiet.serverP95Ms)}; ${fmtMs(team.heavy.serverP50Ms)} / ${fmtMs(team.heavy.serverP95Ms)}`,
    ],
    ["heavy work took", fmtS(team.heavyMs)],
    [`  ${s.storers} stores of ${s.storeRows.toLocaleString("en-US")} rows`, storesDone],
    [
      `  flood: ${s.flood} runs of ${s.floodRows.toLocaleString("en-US")} rows at once`,
      `${team.flood.accepted} accepted (${team.flood.waited} waited for a slot), ${team.flood.succeeded} succeeded, ${team.flood.slotRefused} refused for lack of a slot`,
    ],
    [
      `  one small run by each pager`,
      `${team.small.succeeded}/${team.small.started} succeeded (${team.small.waited} waited), slowest ${fmtS(team.small.maxMs)}`,
    ],
    ["runs refused for lack of a slot, member under their own limit", String(team.underLimitRefused)],
    [
      "other failed runs",
      `${team.otherFailures}${team.failureMessages.length ? `: ${team.failureMessages.join("; ")}` : ""}`,
    ],
    [
      "event-loop delay max / p99 during the heavy work",
      team.delay ? `${fmtMs(team.delay.maxMs)} / ${fmtMs(team.delay.p99Ms)}` : "–",
    ],
    ["server CPU during the heavy work", `${team.cpu.serverCpuS.toFixed(1)} s of ${fmtS(team.cpu.wallS * 1000)}`],
    [
      "other processes' CPU during the heavy work",
      `${((team.cpu.otherCpuS / team.cpu.wallS) * 100).toFixed(0)}% of a core`,
    ],
    [
      "server RSS before / highest sampled during the heavy work",
      `${fmtMB(team.idleRss)} / ${fmtMB(team.heavyMaxRss)}`,
    ],
    ["peak server RSS during the set-up (sign-ins, the pagers' stores)", fmtMB(team.setupPeakRss)],
    [
      `peak server RSS (VmHWM${team.peakReset ? ", from the quiet phase on" : ", whole life: could not reset it"})`,
      fmtMB(team.peakRss),
    ],
  ];
  console.log(`
A team at once (limit of runs at once per member: ${team.perMemberLimit})
`);
  console.log(table(["", "value"], rows));
  addTarget(
    "team: page p95 during the heavy work",
    fmtMs(team.heavy.p95Ms),
    `< ${PAGE_P95_TARGET_MS} ms`,
    (team.heavy.p95Ms as number) < PAGE_P95_TARGET_MS,
  );
  addTarget(
    "team: runs refused for lack of a slot under the member's limit",
    String(team.underLimitRefused),
    "0",
    team.underLimitRefused === 0,
  );
  addTarget("team: peak server RSS", fmtMB(team.peakRss), "< 400 MiB", team.peakRss < RSS_TARGET_BYTES);
}
