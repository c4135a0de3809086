// The bench's query and how a run is driven, as the results panel drives it.
import type { Client, RunView } from "./client.mjs";

/** Rows per page, as the results panel asks for them. */
export const PAGE_LIMIT = 100;

/** Trips-like rows over range(N): the same text runs in the app and in DuckDB directly. */
export function benchQuery(n: number): string {
  return `SELECT i AS trip_id, TIMESTAMP '2024-01-01' + to_microseconds((hash(i) % 31622400000000)::BIGINT) AS pickup, ((hash(i+1) % 9000)/100.0)::DECIMAL(10,2) AS fare, (hash(i+2) % 6)::INTEGER AS passengers, ['Cash','Card'][(1 + hash(i) % 2)::BIGINT] AS payment, round((hash(i+3) % 20000)/1000.0, 3)::DOUBLE AS distance FROM range(${n}) t(i)`;
}

/** Polls the run's state as the results panel does until the run is no longer running; returns it. */
export async function settle(client: Client, run: RunView): Promise<RunView> {
  let current = run;
  while (current.status === "running") current = (await client.state(current.id, current.rowCount)).data;
  return current;
}

/** Runs `sql` through startRunAction and polls as the results panel does; returns the finished run. */
export async function storeRun(client: Client, sql: string, lane = "bench"): Promise<RunView> {
  const started = await client.data("startRunAction", { connectionId: "builtin", sql, lane, pageSize: PAGE_LIMIT });
  const run = await settle(client, started.data.run);
  if (run.status !== "succeeded") throw new Error(`run ended ${run.status}: ${JSON.stringify(run.error)}`);
  return run;
}

/** One page at a random offset of a stored result of `rows` rows, checked (trip_id = row number); returns its ms. */
export async function randomPage(client: Client, runId: string, rows: number): Promise<number> {
  return (await timedRandomPage(client, runId, rows)).ms;
}

/** The same, with the server's own time for it (its Server-Timing: session check and read). */
export async function timedRandomPage(
  client: Client,
  runId: string,
  rows: number,
): Promise<{ ms: number; serverMs: number }> {
  const offset = Math.floor(Math.random() * (rows - PAGE_LIMIT + 1));
  const { ms, data, serverMs } = await client.page(runId, offset, PAGE_LIMIT);
  if (data.rows.length !== PAGE_LIMIT || data.rows[0][0] !== String(offset))
    throw new Error(`page at ${offset} is wrong: ${data.rows.length} rows, first ${JSON.stringify(data.rows[0])}`);
  return { ms, serverMs: (serverMs.session ?? Number.NaN) + (serverMs.read ?? Number.NaN) };
}

/**
 * Every action and the CSV route once on a tiny result, so that module loading
 * and first-call compilation are not in the measured figures.
 */
export async function warmUp(client: Client): Promise<void> {
  const run = await storeRun(client, benchQuery(1000), "warmup");
  await client.page(run.id, 500, PAGE_LIMIT);
  await client.csv(run.id);
}
