// Filters and profiles over a whole stored result (issue 15): the first page of
// a filter over a stored 10M-row result, and a column's profile, through the
// app's GET routes, against DuckDB's own `SELECT … WHERE … LIMIT 100` and
// `SUMMARIZE` over the same rows in a database of their own (one thread and the
// result store's 64MB, as the store runs).
import fs from "node:fs";
import path from "node:path";
import { Client } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { duckdb, settings } from "./direct-stream.mjs";
import { benchQuery, PAGE_LIMIT, storeRun, warmUp } from "./runs.mjs";
import { printServerLog, startServer } from "./server.mjs";
import { fmtMs, log, percentile, table } from "./stats.mjs";

/** Goals from the results issue: within 1.5× of DuckDB's own query. */
const GOAL_RATIO = 1.5;

/**
 * Filters of the bench query's columns (trip_id, pickup, fare, passengers,
 * payment, distance): as the browser sends them, and as one would write them
 * in DuckDB. Each is asked once, cold (its first page, before its index).
 */
const FILTERS: { label: string; filter: unknown; where: string }[] = [
  {
    label: "payment = 'Cash'",
    filter: { columns: [{ column: 4, op: "equals", value: "Cash" }], search: "" },
    where: "payment = 'Cash'",
  },
  {
    label: "fare between 10 and 20",
    filter: { columns: [{ column: 2, op: "range", min: "10", max: "20" }], search: "" },
    where: "fare BETWEEN 10 AND 20",
  },
  {
    label: "pickup in March, card",
    filter: {
      columns: [
        { column: 1, op: "range", min: "2024-03-01", max: "2024-03-31 23:59:59.999999" },
        { column: 4, op: "equals", value: "Card" },
      ],
      search: "",
    },
    where: "pickup BETWEEN TIMESTAMP '2024-03-01' AND TIMESTAMP '2024-03-31 23:59:59.999999' AND payment = 'Card'",
  },
  {
    label: "5 passengers, fare over 80",
    filter: {
      columns: [
        { column: 3, op: "equals", value: "5" },
        { column: 2, op: "range", min: "80", max: null },
      ],
      search: "",
    },
    where: "passengers = 5 AND fare >= 80",
  },
];
/** Profiled columns: a DECIMAL, a TIMESTAMP and a text column. */
const PROFILED: { column: number; name: string }[] = [
  { column: 2, name: "fare" },
  { column: 1, name: "pickup" },
  { column: 4, name: "payment" },
];

export async function measureViews(ctx: PhaseContext) {
  const rows = ctx.smoke ? 20_000 : 10_000_000;
  await ctx.waitForQuiet();
  ctx.setStep("filters and profiles: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-views.log");
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir: path.join(ctx.tmpRoot, "data-views"),
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" },
    logFile,
  });
  const app = {
    firstPage: [] as number[],
    firstPageRead: [] as number[],
    count: [] as number[],
    profile: [] as number[],
  };
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    await warmUp(client);
    ctx.setStep(`filters and profiles: storing ${rows} rows`);
    const run = await storeRun(client, benchQuery(rows));
    for (const { filter } of FILTERS) {
      ctx.setStep("filters and profiles: filtered pages");
      const query = { offset: 0, limit: PAGE_LIMIT, filter: JSON.stringify(filter) };
      const page = await client.read<{ rows: unknown[][] }>(`/api/runs/${run.id}/page`, query, { timeoutMs: 600_000 });
      app.firstPage.push(page.ms);
      // The server's own time for the page, past the session check (its Server-Timing header).
      app.firstPageRead.push(page.serverMs.read ?? Number.NaN);
      const count = await client.read<number>(
        `/api/runs/${run.id}/count`,
        { filter: JSON.stringify(filter) },
        {
          timeoutMs: 600_000,
        },
      );
      app.count.push(count.ms);
    }
    for (const { column } of PROFILED) {
      ctx.setStep("filters and profiles: profiles");
      const profile = await client.read(`/api/runs/${run.id}/profile`, { column }, { timeoutMs: 600_000 });
      app.profile.push(profile.ms);
    }
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    await server.stop();
  }

  ctx.setStep("filters and profiles: DuckDB alone");
  const direct = { firstPage: [] as number[], summarize: [] as number[] };
  const dir = path.join(ctx.tmpRoot, "direct-views");
  fs.mkdirSync(dir, { recursive: true });
  const DuckDBInstance = await duckdb();
  const db = await DuckDBInstance.create(path.join(dir, "t.duckdb"), {
    ...settings("64MB", path.join(dir, "tmp")),
    threads: "1",
  });
  try {
    const c = await db.connect();
    await c.run(`CREATE TABLE t AS ${benchQuery(rows)}`);
    const timed = async (sql: string) => {
      const t0 = performance.now();
      await c.runAndReadAll(sql);
      return performance.now() - t0;
    };
    for (const { where } of FILTERS)
      direct.firstPage.push(await timed(`SELECT * FROM t WHERE ${where} LIMIT ${PAGE_LIMIT}`));
    for (const { name } of PROFILED) direct.summarize.push(await timed(`SUMMARIZE SELECT ${name} FROM t`));
    c.closeSync();
  } finally {
    db.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const figures = {
    rows,
    filters: FILTERS.map((f, i) => ({
      label: f.label,
      appMs: app.firstPage[i],
      readMs: app.firstPageRead[i],
      countMs: app.count[i],
      directMs: direct.firstPage[i],
    })),
    profiles: PROFILED.map((p, i) => ({ name: p.name, appMs: app.profile[i], directMs: direct.summarize[i] })),
  };
  const ratio = (pairs: { appMs: number; directMs: number }[]) =>
    percentile(
      pairs.map((p) => p.appMs / Math.max(p.directMs, 1)),
      50,
    );
  log(
    `  filters: first page ${fmtMs(percentile(app.firstPage, 50))} (DuckDB ${fmtMs(percentile(direct.firstPage, 50))}); profiles ${fmtMs(percentile(app.profile, 50))} (SUMMARIZE ${fmtMs(percentile(direct.summarize, 50))}); ratios ${ratio(figures.filters)?.toFixed(2)} / ${ratio(figures.profiles)?.toFixed(2)}`,
  );
  return figures;
}

export type ViewFigures = Awaited<ReturnType<typeof measureViews>>;

export function reportViews(figures: ViewFigures, add: AddTarget): void {
  const rows = figures.rows.toLocaleString("en-US");
  console.log(`\nFilters over a stored result of ${rows} rows (first page of each filter, cold; then its count)\n`);
  console.log(
    table(
      [
        "filter",
        "app: first page",
        "server: its read",
        "DuckDB: WHERE … LIMIT 100",
        "ratio",
        "ratio (read)",
        "app: count (index built)",
      ],
      figures.filters.map((f) => [
        f.label,
        fmtMs(f.appMs),
        fmtMs(f.readMs),
        fmtMs(f.directMs),
        (f.appMs / Math.max(f.directMs, 1)).toFixed(2),
        (f.readMs / Math.max(f.directMs, 1)).toFixed(2),
        fmtMs(f.countMs),
      ]),
    ),
  );
  console.log(`\nColumn profiles over the same ${rows} rows (cold)\n`);
  console.log(
    table(
      ["column", "app: profile", "DuckDB: SUMMARIZE", "ratio"],
      figures.profiles.map((p) => [
        p.name,
        fmtMs(p.appMs),
        fmtMs(p.directMs),
        (p.appMs / Math.max(p.directMs, 1)).toFixed(2),
      ]),
    ),
  );
  const median = (pairs: { appMs: number; directMs: number }[]) =>
    percentile(
      pairs.map((p) => p.appMs / Math.max(p.directMs, 1)),
      50,
    ) ?? Infinity;
  const pages = median(figures.filters);
  const reads = median(figures.filters.map((f) => ({ appMs: f.readMs, directMs: f.directMs })));
  const profiles = median(figures.profiles);
  add("first filtered page / DuckDB's own (median)", pages.toFixed(2), `≤ ${GOAL_RATIO}×`, pages <= GOAL_RATIO);
  add(
    "  the server's read of it (Server-Timing) / DuckDB's own",
    Number.isFinite(reads) ? reads.toFixed(2) : "–",
    `≤ ${GOAL_RATIO}×`,
    reads <= GOAL_RATIO,
  );
  add("column profile / SUMMARIZE (median)", profiles.toFixed(2), `≤ ${GOAL_RATIO}×`, profiles <= GOAL_RATIO);
}
