// Event-loop delay under hostile input: one member sends the largest inputs
// the server accepts (statements, notebook files, titles, a host name) built
// to be slow to scan, while a second session asks for a cheap page in a loop.
// The server measures its own event-loop delay (GET /api/bench/event-loop,
// LAKEBOOK_BENCH_PROBES=1); the cheap requests' latency is what another
// member waits meanwhile.
import { createRequire } from "node:module";
import path from "node:path";
import { Client, eventLoopDelay, type LoopDelay } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { hostileInputs, type Input, type Session } from "./hostile-inputs.mjs";
import { benchQuery, randomPage, storeRun } from "./runs.mjs";
import { type CpuFigures, cpuWatch, printServerLog, startServer } from "./server.mjs";
import { fmtMs, fmtS, fmtSize, log, percentile, sleep, table } from "./stats.mjs";

/** Rows of the small stored result the cheap requests page through. */
const CHEAP_ROWS = 1000;
/** Pause between two cheap requests, so that they do not take a core themselves. */
const CHEAP_GAP_MS = 50;
/** How long the cheap requests go on after the hostile one is answered (the last one shows the end of a stall). */
const TAIL_MS = 300;
/** The bench's target. */
export const MAX_DELAY_TARGET_MS = 100;

type HostileContext = PhaseContext & { hostileTimeoutMs: number };

/** One input's figures (see underAttack). */
export interface HostileFigures {
  name: string;
  bytes: number;
  probes: boolean;
  ms: number;
  outcome: string;
  blocked: boolean;
  delay: LoopDelay | null;
  cheap: { count: number; p50Ms: number | null; maxMs: number | null };
  cpu: CpuFigures;
}

/** The server-action body limit of the checkout (next.config.js), in bytes: what a request may carry at all. */
function bodyLimit(cwd: string): number {
  const config = createRequire(import.meta.url)(path.join(cwd, "next.config.js"));
  const text = String(config.experimental?.serverActions?.bodySizeLimit ?? "1mb");
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i.exec(text.trim());
  if (!m) return 1024 * 1024;
  return Number(m[1]) * 1024 ** ["b", "kb", "mb", "gb"].indexOf(m[2].toLowerCase());
}

/** A server with the probes on, a signed-in client for the hostile inputs, and a second session for the cheap pages. */
async function openSession(ctx: HostileContext, index: number): Promise<Session> {
  const dataDir = path.join(ctx.tmpRoot, `data-hostile-${index}`);
  const logFile = path.join(ctx.tmpRoot, `server-hostile-${index}.log`);
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir,
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000", LAKEBOOK_BENCH_PROBES: "1" },
    logFile,
  });
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    const cheap = new Client(server.base, ctx.cwd);
    await cheap.init();
    const small = await storeRun(cheap, benchQuery(CHEAP_ROWS), "cheap");
    let probes = true;
    try {
      await eventLoopDelay(server.base, { reset: true });
    } catch {
      // A checkout without the probe: the cheap requests' latency is still measured.
      probes = false;
    }
    // Every action of the phase once, small, so that loading modules is not in the figures.
    await client.importNotebook("warm.sql", "SELECT 1;\n", "builtin");
    await client.call("createQueryAction", {
      title: "warm",
      description: "",
      sql: "SELECT 1",
      connectionId: "builtin",
    });
    await client.csv((await storeRun(client, "SELECT 1 AS x", "warm")).id);
    await randomPage(cheap, small.id, CHEAP_ROWS);
    let lanes = 0;
    return {
      server,
      client,
      cheap,
      small,
      probes,
      logFile,
      lane: () => `hostile-${++lanes}`,
      lastRun: null,
      callOptions: { timeoutMs: ctx.hostileTimeoutMs },
    };
  } catch (error) {
    printServerLog(logFile);
    await server.stop();
    throw error;
  }
}

/**
 * Sends one hostile input while the cheap session pages; returns the server's
 * event-loop delay over that time, the input's own time and outcome, and the
 * cheap requests' latencies. A server that does not answer within
 * `timeoutMs` is reported as blocked.
 */
async function underAttack(
  session: Session,
  send: Input["send"],
  timeoutMs: number,
): Promise<Omit<HostileFigures, "name" | "bytes" | "probes">> {
  const { server, cheap, small } = session;
  if (session.probes) await eventLoopDelay(server.base, { reset: true });
  const cheapMs: number[] = [];
  let stop = false;
  let cheapError: Error | null = null;
  const loop = (async () => {
    while (!stop) {
      try {
        cheapMs.push(await randomPage(cheap, small.id, CHEAP_ROWS));
      } catch (error) {
        cheapError = error as Error;
        return;
      }
      await sleep(CHEAP_GAP_MS);
    }
  })();
  const watch = cpuWatch(server.pid);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ outcome: string; blocked: true }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: `no answer within ${timeoutMs / 1000} s`, blocked: true }), timeoutMs);
  });
  const result: { outcome: string; blocked?: boolean } = await Promise.race([
    send(session).catch((error: Error) => ({ outcome: `error: ${error.message}` })),
    deadline,
  ]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  const cpu = watch();
  if (result.blocked) {
    stop = true;
    return { ms, outcome: result.outcome, blocked: true, delay: null, cheap: cheapFigures(cheapMs), cpu };
  }
  await sleep(TAIL_MS);
  stop = true;
  await loop;
  if (cheapError) throw new Error(`a cheap page request failed: ${(cheapError as Error).message}`);
  const delay = session.probes ? await eventLoopDelay(server.base) : null;
  return { ms, outcome: result.outcome, blocked: false, delay, cheap: cheapFigures(cheapMs), cpu };
}

const cheapFigures = (ms: number[]): HostileFigures["cheap"] => ({
  count: ms.length,
  p50Ms: percentile(ms, 50),
  maxMs: ms.length ? Math.max(...ms) : null,
});

/** Runs every hostile input on one server (a new one after a server stops answering); returns the figures. */
export async function measureHostile(context: PhaseContext) {
  const timeoutMs = Number(process.env.BENCH_HOSTILE_TIMEOUT_S ?? (context.smoke ? 30 : 120)) * 1000;
  const bodyBytes = bodyLimit(context.cwd);
  const ctx: HostileContext = { ...context, hostileTimeoutMs: timeoutMs };
  // The baseline: cheap pages with nothing hostile beside them (shorter in the smoke run).
  const quietS = ctx.smoke ? 1 : 3;
  const inputs: Input[] = [
    {
      name: `nothing (the cheap pages alone for ${quietS} s)`,
      bytes: 0,
      send: () => sleep(quietS * 1000).then(() => ({ outcome: "–" })),
    },
    ...hostileInputs({ smoke: ctx.smoke, bodyBytes }),
  ];
  log(
    `hostile inputs: ${inputs.length - 1} inputs on a server with LAKEBOOK_BENCH_PROBES=1, cheap pages alongside (server-action body limit ${fmtSize(bodyBytes)})`,
  );
  let sessions = 0;
  ctx.setStep("hostile inputs: starting the server");
  let session = await openSession(ctx, ++sessions);
  const results: HostileFigures[] = [];
  try {
    for (const input of inputs) {
      await ctx.waitForQuiet();
      ctx.setStep(`hostile inputs: ${input.name}`);
      const r = await underAttack(session, input.send, timeoutMs);
      results.push({ name: input.name, bytes: input.bytes, probes: session.probes, ...r });
      log(
        `  ${input.name} (${fmtSize(input.bytes)}): ${fmtS(r.ms)}, ${r.outcome.slice(0, 100)}; ` +
          `event-loop delay max ${r.delay ? fmtMs(r.delay.maxMs) : "–"}, p99 ${r.delay ? fmtMs(r.delay.p99Ms) : "–"}; ` +
          `cheap pages: ${r.cheap.count}, max ${fmtMs(r.cheap.maxMs)}; other processes ${((r.cpu.otherCpuS / r.cpu.wallS) * 100).toFixed(0)}% of a core`,
      );
      if (r.blocked) {
        // The server is still busy with the input; the next one needs a server that answers.
        log("  the server did not answer: starting a new one for the next inputs");
        await session.server.stop();
        session = await openSession(ctx, ++sessions);
      }
    }
  } catch (error) {
    printServerLog(session.logFile);
    throw error;
  } finally {
    ctx.setStep("hostile inputs: stopping the server");
    await session.server.stop();
  }
  return { timeoutMs, bodyBytes, inputs: results };
}

export type HostilePhase = Awaited<ReturnType<typeof measureHostile>>;
/** The hostile-input table, and the target rows it adds. */
export function reportHostile(hostile: HostilePhase, addTarget: AddTarget): void {
  const rows = hostile.inputs.map((r) => [
    r.name,
    r.bytes ? fmtSize(r.bytes) : "–",
    r.blocked ? `> ${fmtS(hostile.timeoutMs)}` : fmtS(r.ms),
    r.outcome.length > 60 ? `${r.outcome.slice(0, 57)}...` : r.outcome,
    r.blocked ? `> ${fmtS(hostile.timeoutMs)}` : r.delay ? fmtMs(r.delay.maxMs) : "–",
    r.delay ? fmtMs(r.delay.p99Ms) : "–",
    `${r.cheap.count}, ${fmtMs(r.cheap.maxMs)}`,
    `${((r.cpu.otherCpuS / r.cpu.wallS) * 100).toFixed(0)}%`,
  ]);
  console.log(
    `\nEvent-loop delay while one member sends hostile input (server-action body limit ${fmtSize(hostile.bodyBytes)}; cheap pages every ${CHEAP_GAP_MS} ms from another session)\n`,
  );
  console.log(
    table(
      ["input", "size", "answered in", "outcome", "loop delay max", "p99", "cheap pages: n, max", "other CPU"],
      rows,
    ),
  );
  const measured = hostile.inputs.slice(1);
  const blocked = measured.filter((r) => r.blocked);
  const worst = Math.max(...measured.map((r) => (r.blocked ? hostile.timeoutMs : (r.delay?.maxMs ?? 0))));
  const worstInput = measured.find((r) => (r.blocked ? hostile.timeoutMs : (r.delay?.maxMs ?? 0)) === worst);
  if (measured.some((r) => r.delay))
    addTarget(
      "event-loop delay under hostile input (worst input)",
      `${blocked.length ? `> ${fmtS(hostile.timeoutMs)}` : fmtMs(worst)} (${worstInput?.name ?? "–"})`,
      `< ${MAX_DELAY_TARGET_MS} ms`,
      worst < MAX_DELAY_TARGET_MS,
    );
}
