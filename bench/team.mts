// A team at once: members page through results they stored while two members
// store large results and one floods the server with runs. Every member is a
// real account (invited by the bench's admin, joined, signed in). Measured:
// the pages' latency while the heavy work runs, the server's peak memory, and
// whether a member under their own limit of runs at once was refused for lack
// of a slot.
import path from "node:path";
import { Client, eventLoopDelay, type LoopDelay, type RunView } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { benchQuery, PAGE_LIMIT, randomPage, storeRun } from "./runs.mjs";
import {
  type CpuFigures,
  cpuWatch,
  printServerLog,
  procMemory,
  resetPeakMemory,
  rssSampler,
  startServer,
} from "./server.mjs";
import { fmtMB, fmtMs, fmtS, log, percentile, sleep, table } from "./stats.mjs";

const PASSWORD = "bench member's password";
/** A pager waits this long (±50%) between two pages: someone paging quickly. */
const THINK_MS = Number(process.env.BENCH_TEAM_THINK_MS ?? 500);
/** The members' own limit of runs at once (LAKEBOOK_MAX_RUNS_PER_USER, passed on to the server as set). */
const PER_MEMBER_LIMIT = Number(process.env.LAKEBOOK_MAX_RUNS_PER_USER ?? 4);
export const PAGE_P95_TARGET_MS = 150;
export const RSS_TARGET_BYTES = 400 * 1024 ** 2;

/** One run followed to its end (see followRun). */
interface Followed {
  refused: boolean;
  status?: RunView["status"];
  message: string | null;
  waited?: boolean;
  rows?: number;
  truncated?: boolean;
  ms: number;
}
type PageLoop = {
  pages: { phase: string; ms: number }[];
  errors: { phase: string; message: string }[];
  stop: () => Promise<void>;
};

/** How many members do what, and with how many rows. */
function teamSizes(smoke: boolean) {
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
const slotMessage = (message: string | null | undefined): boolean =>
  /already running \d+ quer|busy|free slot|too many/i.test(message ?? "");

/** A member invited by the admin, joined through the invitation, and signed in with their own password. */
async function newMember(admin: Client, base: string, cwd: string, name: string): Promise<Client> {
  const email = `${name}@bench.example.com`;
  const invited = await admin.data("inviteMemberAction", { email, role: "member" });
  const token = invited.data.path.split("/").pop();
  const member = new Client(base, cwd);
  await member.data("joinAction", { token, name, password: PASSWORD });
  await member.init({ email, password: PASSWORD });
  member.name = name;
  return member;
}

/**
 * One run started as the editor starts it and followed to its end. Returns
 * { refused, status, message, waited, rows, ms }: `waited` when the run said
 * it was waiting for a slot while running.
 */
async function followRun(client: Client, sql: string, lane: string): Promise<Followed> {
  const t0 = performance.now();
  const started = await client.call("startRunAction", { connectionId: "builtin", sql, lane, pageSize: PAGE_LIMIT });
  if (!started.value.ok) return { refused: true, message: started.value.error, ms: performance.now() - t0 };
  let run = started.value.data.run;
  let waited = run.status === "running" && Boolean(run.message);
  while (run.status === "running") {
    run = (await client.data("runStateAction", { runId: run.id, knownRows: run.rowCount, waitMs: 1000 })).data;
    if (run.status === "running" && run.message) waited = true;
  }
  return {
    refused: false,
    status: run.status,
    message: run.error?.message ?? null,
    waited,
    rows: run.rowCount,
    truncated: run.truncated,
    ms: performance.now() - t0,
  };
}

/** Pages at random offsets of the member's own result until stopped; each page's latency is kept with the phase it started in. */
function pageLoop(member: Client, run: RunView, rows: number, phase: { name: string }): PageLoop {
  const pages: PageLoop["pages"] = [];
  const errors: PageLoop["errors"] = [];
  let stopped = false;
  const done = (async () => {
    // Members do not start together: a first page at a random moment of one think time.
    await sleep(THINK_MS * Math.random());
    while (!stopped) {
      const during = phase.name;
      try {
        pages.push({ phase: during, ms: await randomPage(member, run.id, rows) });
      } catch (error) {
        errors.push({ phase: during, message: (error as Error).message });
      }
      await sleep(THINK_MS * (0.5 + Math.random()));
    }
  })();
  return {
    pages,
    errors,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

export async function measureTeam(ctx: PhaseContext) {
  const sizes = teamSizes(ctx.smoke);
  const dataDir = path.join(ctx.tmpRoot, "data-team");
  const logFile = path.join(ctx.tmpRoot, "server-team.log");
  await ctx.waitForQuiet();
  ctx.setStep("team: starting the server");
  log(
    `team: ${sizes.pagers} members paging, ${sizes.storers} storing ${sizes.storeRows.toLocaleString("en-US")} rows each, ` +
      `1 starting ${sizes.flood} runs at once (their own limit: ${PER_MEMBER_LIMIT} at once)`,
  );
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir,
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000", LAKEBOOK_BENCH_PROBES: "1" },
    logFile,
  });
  let loops: PageLoop[] = [];
  try {
    const admin = new Client(server.base, ctx.cwd);
    await admin.init();
    ctx.setStep("team: inviting the members");
    const t0 = performance.now();
    const members = [];
    for (let i = 1; i <= sizes.pagers + sizes.storers + 1; i++)
      members.push(await newMember(admin, server.base, ctx.cwd, `member${i}`));
    const pagers = members.slice(0, sizes.pagers);
    const storers = members.slice(sizes.pagers, sizes.pagers + sizes.storers);
    const flooder = members[members.length - 1];
    const setupMs = performance.now() - t0;

    ctx.setStep("team: each pager stores a result");
    const t1 = performance.now();
    const stored: RunView[] = [];
    for (const pager of pagers) stored.push(await storeRun(pager, benchQuery(sizes.pagerRows), "pages"));
    const pagerStoreMs = performance.now() - t1;
    // Module loading and first calls out of the figures: every other member's first run.
    for (const m of [...storers, flooder]) await storeRun(m, "SELECT 1 AS x", "warm");
    const idleRss = procMemory(server.pid).rss;
    // The set-up's peak (23 sign-ins, each scrypt hash takes 128 MiB, two at
    // once) is not the team's: the peak is measured from here on.
    const setupPeakRss = procMemory(server.pid).hwm;
    const peakReset = resetPeakMemory(server.pid);

    await ctx.waitForQuiet();
    ctx.setStep("team: pages while the server is quiet");
    const phase = { name: "quiet" };
    loops = pagers.map((pager, i) => pageLoop(pager, stored[i], sizes.pagerRows, phase));
    await sleep(sizes.quietMs);

    ctx.setStep("team: pages while two members store and one floods");
    const probes = await eventLoopDelay(server.base, { reset: true }).then(
      () => true,
      () => false,
    );
    const rss = rssSampler(server.pid);
    const watch = cpuWatch(server.pid);
    phase.name = "heavy";
    const heavyStart = performance.now();
    // The flood first, so that its runs hold their slots when the others start theirs.
    const flood = Promise.all(
      Array.from({ length: sizes.flood }, (_, i) => followRun(flooder, benchQuery(sizes.floodRows), `flood-${i + 1}`)),
    );
    await sleep(200);
    const stores = Promise.all(storers.map((m) => followRun(m, benchQuery(sizes.storeRows), "store")));
    await sleep(800);
    // Every pager also starts one small run meanwhile: a member well under their own limit.
    const small = Promise.all(pagers.map((m) => followRun(m, "SELECT 42 AS answer", "small")));
    const [floodRuns, storeRuns, smallRuns] = await Promise.all([flood, stores, small]);
    const heavyMs = performance.now() - heavyStart;
    phase.name = "after";
    const cpu = watch();
    const heavyMaxRss = rss();
    const delay = probes ? await eventLoopDelay(server.base) : null;
    await Promise.all(loops.map((l) => l.stop()));
    await sleep(100);
    return summarize({
      sizes,
      setupMs,
      pagerStoreMs,
      heavyMs,
      cpu,
      idleRss,
      setupPeakRss,
      peakReset,
      heavyMaxRss,
      peakRss: procMemory(server.pid).hwm,
      delay,
      floodRuns,
      storeRuns,
      smallRuns,
      pages: loops.flatMap((l) => l.pages),
      pageErrors: loops.flatMap((l) => l.errors),
    });
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    await Promise.all(loops.map((l) => l.stop()));
    ctx.setStep("team: stopping the server");
    await server.stop();
  }
}

/** The raw figures, and what the targets need from them. */
function summarize(raw: {
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
    return {
      count: ms.length,
      p50Ms: percentile(ms, 50),
      p95Ms: percentile(ms, 95),
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
