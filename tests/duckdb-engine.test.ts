import { beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const engine = (await runtime()).engine;
const me = await createTestUser();

async function run(sql: string, lane = "t") {
  const started = await runs.startRun(me, { sql, connectionId: "builtin", lane, pageSize: 100 }, engine);
  let view: RunView = started.run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 1000);
  return { ...started, final: view };
}

beforeAll(async () => {
  // First start generates the sample catalog.
  await run("SELECT 1");
}, 120_000);

describe("the built-in warehouse's statements", () => {
  // DuckDB's Node binding (1.5.6) ends a stream whose query fails after its
  // first rows as if it were complete; with this query it passes 266,240 rows.
  const failsLate =
    "SELECT i, repeat('x', 1000) AS pad, CASE WHEN i > 300000 THEN ('x' || i)::INT ELSE i END AS v FROM range(400000) t(i)";

  it("fails a query whose error comes while its rows stream, with DuckDB's message, keeping the rows before it", async () => {
    const { final } = await run(failsLate);
    expect(final.status).toBe("failed");
    expect(final.error?.message).toBe("Conversion Error: Could not convert string 'x300001' to INT32");
    expect(final.error?.line).toBe(1);
    expect(final.error?.column).toBe(failsLate.indexOf("::INT") + 1);
    expect(final.rowCount).toBeGreaterThan(100_000);
    expect(final.rowCount).toBeLessThanOrEqual(300_001);
    const last = await runs.readPage(me, final.id, final.rowCount - 1, 50, null);
    expect(last.rows.map((row) => row[0])).toEqual([String(final.rowCount - 1)]);
  });

  it("does not take such a stream for complete in the user's own transaction either", async () => {
    const { final } = await run(`BEGIN; ${failsLate}`);
    expect(final.status).toBe("failed");
    expect(final.error?.message).toMatch(
      /^The query failed after [\d,]+ rows, .* Your transaction is aborted: run ROLLBACK\.$/,
    );
  });

  it("keeps the changes of statements that follow a query, and of the user's own transaction", async () => {
    const after = await run("SELECT 1; CREATE OR REPLACE TABLE after_select AS SELECT 42 AS x");
    expect(after.final.status).toBe("succeeded");
    expect((await run("SELECT x FROM after_select")).page?.rows).toEqual([["42"]]);
    const tx = await run("BEGIN; CREATE OR REPLACE TABLE in_tx AS SELECT 7 AS a; SELECT * FROM in_tx; COMMIT");
    expect(tx.final.error).toBeNull();
    expect(tx.final.status).toBe("succeeded");
    expect((await run("SELECT a FROM in_tx")).page?.rows).toEqual([["7"]]);
    const rolledBack = await run("START TRANSACTION; CREATE TABLE gone AS SELECT 1 AS a; SELECT * FROM gone; ROLLBACK");
    expect(rolledBack.final.status).toBe("succeeded");
    expect((await run("SELECT * FROM gone")).final.error?.message).toMatch(/Table with name gone does not exist/);
  });

  it("still serves a complete result after all this", async () => {
    const { final } = await run("SELECT i FROM range(300000) t(i)");
    expect(final.status).toBe("succeeded");
    expect(final.rowCount).toBe(300_000);
  });
});
describe("the built-in warehouse's table search", () => {
  it("finds tables and views of every catalog by name, any case, exact names first", async () => {
    for (const sql of [
      "CREATE TABLE search_trips_copy AS SELECT 1 AS x",
      "CREATE VIEW search_view_of_orders AS SELECT 1 AS x",
      'CREATE TABLE "100% it\'s" AS SELECT 1 AS x',
    ]) {
      expect((await run(sql)).final.status).toBe("succeeded");
    }
    const found = await engine.searchTables("TRIPS", 10);
    expect(found[0]).toEqual({ catalog: "samples", schema: "nyctaxi", name: "trips", kind: "table" });
    expect(found).toContainEqual({ catalog: "workspace", schema: "default", name: "search_trips_copy", kind: "table" });
    expect(await engine.searchTables("view_of", 10)).toEqual([
      { catalog: "workspace", schema: "default", name: "search_view_of_orders", kind: "view" },
    ]);
    // Quotes and LIKE wildcards in the text are only text.
    expect(await engine.searchTables("0% it'", 10)).toEqual([
      { catalog: "workspace", schema: "default", name: "100% it's", kind: "table" },
    ]);
    expect(await engine.searchTables("_", 100)).not.toContainEqual(expect.objectContaining({ name: "trips" }));
    expect(await engine.searchTables("e", 3)).toHaveLength(3);
  });
});
