// Event-loop delay under hostile input: one member sends the largest inputs
// the server accepts (statements, notebook files, titles, a host name) built
// to be slow to scan, while a second session asks for a cheap page in a loop.
// The server measures its own event-loop delay (GET /api/bench/event-loop,
// LAKEBOOK_BENCH_PROBES=1); the cheap requests' latency is what another
// member waits meanwhile.
import { createRequire } from "node:module";
import path from "node:path";
import { type ActionResult, Client, type DataOf, eventLoopDelay, type LoopDelay, type RunView } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { benchQuery, randomPage, settle, storeRun } from "./runs.mjs";
import { type BenchServer, type CpuFigures, cpuWatch, printServerLog, startServer } from "./server.mjs";
import { fmtMs, fmtS, fmtSize, log, percentile, sleep, table } from "./stats.mjs";

/** LAKEBOOK_MAX_SQL_BYTES's default, which the bench's servers keep. */
const MAX_SQL_BYTES = 1024 * 1024;
/** What a member may save as a query's SQL or a draft (MAX_DRAFT_CHARS in lib/tabs.ts). */
const MAX_DRAFT_CHARS = 2 * 1024 * 1024;
/** The largest notebook file the import accepts (MAX_IMPORT_BYTES in lib/notebooks/import-limit.ts). */
const MAX_IMPORT_CHARS = 16 * 1024 * 1024;
/** The most text a notebook's cells may hold (MAX_NOTEBOOK_CHARS in lib/schemas/notebooks.ts). */
const MAX_NOTEBOOK_CHARS = 8 * 1024 * 1024;
/** Rows of the small stored result the cheap requests page through. */
const CHEAP_ROWS = 1000;
/** Pause between two cheap requests, so that they do not take a core themselves. */
const CHEAP_GAP_MS = 50;
/** How long the cheap requests go on after the hostile one is answered (the last one shows the end of a stall). */
const TAIL_MS = 300;
/** The bench's target. */
export const MAX_DELAY_TARGET_MS = 100;

type HostileContext = PhaseContext & { hostileTimeoutMs: number };

/** A server with the probes on and its two signed-in sessions (see openSession). */
interface Session {
  server: BenchServer;
  client: Client;
  cheap: Client;
  small: RunView;
  probes: boolean;
  logFile: string;
  lane: () => string;
  lastRun: RunView | null;
  callOptions: { timeoutMs: number };
}

/** One hostile input and how to send it; `send` returns a short outcome. */
interface Input {
  name: string;
  bytes: number;
  send: (session: Session) => Promise<{ outcome: string }>;
}

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

/** `unit` repeated between `head` and `tail` to `chars` characters in all (ASCII, so also bytes). */
const fill = (head: string, unit: string, tail: string, chars: number): string =>
  head + unit.repeat(Math.max(0, Math.floor((chars - head.length - tail.length) / unit.length))) + tail;

/** The server-action body limit of the checkout (next.config.js), in bytes: what a request may carry at all. */
function bodyLimit(cwd: string): number {
  const config = createRequire(import.meta.url)(path.join(cwd, "next.config.js"));
  const text = String(config.experimental?.serverActions?.bodySizeLimit ?? "1mb");
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i.exec(text.trim());
  if (!m) return 1024 * 1024;
  return Number(m[1]) * 1024 ** ["b", "kb", "mb", "gb"].indexOf(m[2].toLowerCase());
}

/** A Jupyter notebook of `chars` characters: code cells of `%sql` statements whose one string is full of comment openers. */
function ipynb(chars: number, cells: number): string {
  const per = Math.floor(chars / cells) - 120;
  const cell = {
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: ["%sql\n", fill("SELECT '", "/* -- ", "' AS x", per)],
  };
  return JSON.stringify({ cells: Array(cells).fill(cell), metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

/** A Databricks source notebook (.sql with the header) of `chars` characters, `cells` commands. */
function databricksSql(chars: number, cells: number): string {
  const per = Math.floor(chars / cells) - 30;
  const command = fill("SELECT '", "/* -- ", "' AS x", per);
  return `-- Databricks notebook source\n${Array(cells).fill(command).join("\n\n-- COMMAND ----------\n\n")}\n`;
}

/** A plain .sql file (no header: split into statements) of `chars` characters, statements of about 32 KiB. */
function plainSql(chars: number): string {
  const statement = fill("SELECT '", "/* ", "' AS x;\n", 32 * 1024);
  return statement.repeat(Math.max(1, Math.floor(chars / statement.length)));
}

/** A plain .sql file that is one unclosed comment full of comment openers. */
const unclosedSql = (chars: number): string => fill("SELECT 1 /* ", "/* ", "", chars);

/**
 * The hostile inputs, largest first where the limits allow. Each `send`
 * returns a short outcome ("run succeeded", "refused: …", "HTTP 413"); an
 * input that the server rejects is as much a finding as one it accepts.
 */
function hostileInputs({ smoke, bodyBytes }: { smoke: boolean; bodyBytes: number }): Input[] {
  const sqlBytes = smoke ? 64 * 1024 : MAX_SQL_BYTES - 16;
  const nameChars = smoke ? 64 * 1024 : 1024 * 1024;
  const draftChars = smoke ? 64 * 1024 : MAX_DRAFT_CHARS;
  // Imports at the route's own limit (smoke: 1 MB): each 16 MiB file makes a notebook over
  // what one may hold, so it is read whole and refused; the largest notebook that can be saved
  // (8 MiB of cells) is read and written.
  const importChars = smoke ? 1_000_000 : MAX_IMPORT_CHARS;
  const imports = [{ label: fmtSize(importChars), chars: importChars, all: true }];
  if (!smoke)
    imports.push({
      label: `${fmtSize(MAX_NOTEBOOK_CHARS)} (the largest notebook)`,
      chars: MAX_NOTEBOOK_CHARS,
      all: false,
    });

  // An answer that is not the action's (Next.js refuses a body over its limit with a 500) says so, with the body's size.
  const call = async <K extends string>(
    s: Session,
    name: K,
    args: unknown,
  ): Promise<{ value: ActionResult<DataOf<K>>; http?: boolean }> => {
    try {
      return await s.client.call(name, args, s.callOptions);
    } catch (error) {
      if (!(error as { status?: number }).status) throw error;
      const body = Buffer.byteLength(JSON.stringify([args]));
      const over = body > bodyBytes ? ` (a ${fmtSize(body)} body, over the limit)` : "";
      return { value: { ok: false, error: `HTTP ${(error as { status: number }).status}${over}` }, http: true };
    }
  };
  const run = (sql: string) => async (s: Session) => {
    const started = await call(s, "startRunAction", { connectionId: "builtin", sql, lane: s.lane(), pageSize: 100 });
    if (!started.value.ok) return { outcome: `${started.http ? "" : "refused: "}${started.value.error}` };
    const end = await settle(s.client, started.value.data.run);
    if (end.status === "succeeded") s.lastRun = end;
    return { outcome: `run ${end.status}${end.error ? `: ${end.error.message}` : ""}` };
  };
  const action = (name: string, args: unknown) => async (s: Session) => {
    const { value, http } = await call(s, name, args);
    return { outcome: value.ok ? "accepted" : `${http ? "" : "refused: "}${value.error}` };
  };
  const notebook = (filename: string, text: string) => async (s: Session) => {
    const { status, value } = await s.client.importNotebook(filename, text, "builtin", s.callOptions);
    return { outcome: value.ok ? "accepted" : `refused (HTTP ${status}): ${value.error}` };
  };

  const inputs: Input[] = [
    {
      name: "statement: one string of comment openers",
      bytes: sqlBytes,
      send: run(fill("SELECT '", "/* ", "' AS x", sqlBytes)),
    },
    {
      name: "CSV download of that run (file name from its SQL)",
      bytes: sqlBytes,
      send: async (s: Session) => {
        if (!s.lastRun) return { outcome: "skipped: the run before did not succeed" };
        const csv = await s.client.csv(s.lastRun.id, { timeoutMs: s.callOptions.timeoutMs });
        return { outcome: `downloaded ${fmtSize(csv.bytes)}` };
      },
    },
    {
      name: "statement: unclosed comment of comment openers",
      bytes: sqlBytes,
      send: run(fill("SELECT 1 /* ", "/* ", "", sqlBytes)),
    },
    {
      name: "statement: unclosed string of -- and /*",
      bytes: sqlBytes,
      send: run(fill("SELECT '", "-- /* ", "", sqlBytes)),
    },
  ];
  for (const size of imports) {
    inputs.push({
      name: `import .ipynb, ${size.label}`,
      bytes: size.chars,
      send: notebook("hostile.ipynb", ipynb(size.chars, 500)),
    });
    inputs.push({
      name: `import Databricks .sql, ${size.label}`,
      bytes: size.chars,
      send: notebook("hostile.sql", databricksSql(size.chars, 500)),
    });
    if (size.all) {
      inputs.push({
        name: `import plain .sql (32 KiB statements), ${size.label}`,
        bytes: size.chars,
        send: notebook("plain.sql", plainSql(size.chars)),
      });
      inputs.push({
        name: `import plain .sql (one unclosed comment), ${size.label}`,
        bytes: size.chars,
        send: notebook("unclosed.sql", unclosedSql(size.chars)),
      });
    }
  }
  const openers = (chars: number) => fill("", "/* ", "", chars);
  inputs.push(
    {
      name: "save a query: title, description and SQL of comment openers",
      bytes: 3 * nameChars,
      send: action("createQueryAction", {
        title: openers(nameChars),
        description: openers(nameChars),
        sql: openers(nameChars),
        connectionId: "builtin",
      }),
    },
    {
      name: "save a query: SQL of comment openers",
      bytes: draftChars,
      send: action("createQueryAction", {
        title: "hostile",
        description: "",
        sql: openers(draftChars),
        connectionId: "builtin",
      }),
    },
    {
      name: "connection host: one line of slashes",
      bytes: nameChars,
      send: action("saveConnectionAction", {
        name: "hostile",
        host: fill("", "/", "\nx", nameChars),
        port: 443,
        httpPath: "/sql/1.0/warehouses/x",
        authType: "token",
        secret: "dapi-not-a-token",
        scope: "personal",
      }),
    },
  );
  return inputs;
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
  const inputs: Input[] = [
    {
      name: "nothing (the cheap pages alone for 3 s)",
      bytes: 0,
      send: () => sleep(3000).then(() => ({ outcome: "–" })),
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
