// A team at once: members page through results they stored while two members
// store large results and one floods the server with runs. Every member is a
// real account (invited by the bench's admin, joined, signed in). Measured:
// the pages' latency while the heavy work runs, the server's peak memory, and
// whether a member under their own limit of runs at once was refused for lack
// of a slot.
import path from "node:path";
import { Client, eventLoopDelay, type RunView } from "./client.mjs";
import type { PhaseContext } from "./context.mjs";
import { benchQuery, PAGE_LIMIT, storeRun, timedRandomPage } from "./runs.mjs";
import { cpuWatch, printServerLog, procMemory, resetPeakMemory, rssSampler, startServer } from "./server.mjs";
import { log, sleep } from "./stats.mjs";
import { type Followed, type PageLoop, PER_MEMBER_LIMIT, summarize, THINK_MS, teamSizes } from "./team-figures.mjs";

const PASSWORD = "bench member's password";

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
    run = (await client.state(run.id, run.rowCount)).data;
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
        pages.push({ phase: during, ...(await timedRandomPage(member, run.id, rows)) });
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
