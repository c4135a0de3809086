// The editor's completion as the browser asks for it: GET
// /api/connections/builtin/completions, a table's columns asked first (cold: the
// warehouse's catalog is read) and then again as the member keeps typing (warm:
// from the server's cache).
import path from "node:path";
import { Client } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { storeRun, warmUp } from "./runs.mjs";
import { printServerLog, startServer } from "./server.mjs";
import { fmtMs, log, percentile, table } from "./stats.mjs";

/** Goals from the editor issue: a suggestion list that keeps up with typing. */
const WARM_GOAL_MS = 50;
const COLD_GOAL_MS = 500;
const COLUMNS = 40;
/** Each table's columns asked again this many times, as keys typed after the first. */
const WARM_ASKS = 5;

interface Items {
  items: { label: string }[];
}

export async function measureCompletions(ctx: PhaseContext) {
  const tables = ctx.smoke ? 3 : 20;
  await ctx.waitForQuiet();
  ctx.setStep("completion: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-completions.log");
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir: path.join(ctx.tmpRoot, "data-completions"),
    // Only the workspace's own tables are asked about: a small sample catalog starts the server sooner.
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" },
    logFile,
  });
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    await warmUp(client);
    const columns = Array.from({ length: COLUMNS }, (_, i) => `i + ${i} AS column_${i}`).join(", ");
    for (let t = 0; t < tables; t++)
      await storeRun(client, `CREATE TABLE workspace."default".wide_${t} AS SELECT ${columns} FROM range(10) r(i)`);
    const ask = (table: number) =>
      client.read<Items>("/api/connections/builtin/completions", {
        kind: "columns",
        path: JSON.stringify(["workspace", "default", `wide_${table}`]),
        prefix: "",
      });
    ctx.setStep("completion: asking for columns");
    for (let t = 0; t < tables; t++) {
      const first = await ask(t);
      if (first.data.items.length !== COLUMNS)
        throw new Error(`wide_${t}: ${first.data.items.length} columns offered, expected ${COLUMNS}`);
      cold.push(first.ms);
      for (let k = 0; k < WARM_ASKS; k++) warm.push((await ask(t)).ms);
    }
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    await server.stop();
  }
  const figures = {
    tables,
    cold: { p50Ms: percentile(cold, 50), p95Ms: percentile(cold, 95) },
    warm: { p50Ms: percentile(warm, 50), p95Ms: percentile(warm, 95) },
  };
  log(`  completion: cold p95 ${fmtMs(figures.cold.p95Ms)}, warm p95 ${fmtMs(figures.warm.p95Ms)}`);
  return figures;
}

export type CompletionFigures = Awaited<ReturnType<typeof measureCompletions>>;

export function reportCompletions(figures: CompletionFigures, add: AddTarget): void {
  console.log(
    `\nCompletion: a table's ${COLUMNS} columns through GET /api/connections/builtin/completions (${figures.tables} tables; each asked once cold, then ${WARM_ASKS} times warm)\n`,
  );
  console.log(
    table(
      ["", "p50", "p95"],
      [
        ["cold (the warehouse's catalog read)", fmtMs(figures.cold.p50Ms), fmtMs(figures.cold.p95Ms)],
        ["warm (the server's cache)", fmtMs(figures.warm.p50Ms), fmtMs(figures.warm.p95Ms)],
      ],
    ),
  );
  const { cold, warm } = figures;
  add("completion p95, cold", fmtMs(cold.p95Ms), `< ${COLD_GOAL_MS} ms`, (cold.p95Ms ?? Infinity) < COLD_GOAL_MS);
  add("completion p95, warm", fmtMs(warm.p95Ms), `< ${WARM_GOAL_MS} ms`, (warm.p95Ms ?? Infinity) < WARM_GOAL_MS);
}
