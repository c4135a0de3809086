import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Place, RunView } from "@/lib/results/types";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const runs = await import("@/lib/server/runs/runs");
const me = await createTestUser();

let warehouse: TestWarehouse;
let engine: InstanceType<typeof DatabricksEngine>;

beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 30_000, certificateDir: ".lakebook-test-tls" });
  engine = new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token: warehouse.token },
    startupWaitMs: 10_000,
  });
});

afterAll(async () => {
  await engine?.close();
  await warehouse?.close();
});

const messages: string[] = [];

async function run(sql: string): Promise<RunView> {
  const started = await runs.startRun(me, { sql, connectionId: "test", lane: "db", pageSize: 100 }, engine);
  let view = started.run;
  while (view.status === "running") {
    if (view.message) messages.push(view.message);
    view = await runs.runState(me, view.id, view.rowCount, 200);
  }
  return view;
}

/** Every fault ends in a result or a clear message, leaves nothing open, and the next query works. */
async function expectHealthy(): Promise<void> {
  await expect.poll(() => warehouse.stats().openOperations).toBe(0);
  expect((await run("SELECT 1 AS ok")).status).toBe("succeeded");
}

async function runIn(sql: string, place: Place | null, places: Place[]): Promise<RunView> {
  const started = await runs.startRun(
    me,
    { sql, connectionId: "test", lane: "db", pageSize: 100, place, onPlace: async (now) => void places.push(now) },
    engine,
  );
  let view = started.run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 200);
  return view;
}

describe("the Databricks engine against the test warehouse", () => {
  it("never gives a session moved by USE to another run; a tab's place is applied at the start of its next run", async () => {
    const places: Place[] = [];
    const moved = await runIn("USE CATALOG samples;\nUSE SCHEMA nyctaxi", null, places);
    expect(moved.status).toBe("succeeded");
    expect(moved.place).toEqual({ catalog: "samples", schema: "nyctaxi" });
    expect(places).toEqual([{ catalog: "samples", schema: "nyctaxi" }]);
    // However the pool hands out sessions, none of them starts where that run left off.
    for (let i = 0; i < 6; i++) {
      const view = await run("SELECT current_schema() AS s");
      expect((await runs.readPage(me, view.id, 0, 10, null)).rows[0][0]).not.toBe("nyctaxi");
    }
    const again = await runIn("SELECT count(*) > 0 AS some FROM trips", moved.place, places);
    expect(again.status).toBe("succeeded");
    expect(places.at(-1)).toEqual({ catalog: "samples", schema: "nyctaxi" });
    // A place that is gone: the run starts in the default instead of failing.
    const gone = await runIn("SELECT 1 AS one", { catalog: "samples", schema: "no_such_schema" }, places);
    expect(gone.status).toBe("succeeded");
    expect(places.at(-1)?.schema).not.toBe("no_such_schema");
    await expectHealthy();
  });

  it("applies a tab's SETs again before its next runs, and to no other run or viewer", async () => {
    const places: Place[] = [];
    const order = "SELECT x FROM (VALUES (1), (NULL)) t(x) ORDER BY x";
    const first = async (view: RunView) => (await runs.readPage(me, view.id, 0, 10, null)).rows[0][0];
    // (The test warehouse is DuckDB underneath: a DuckDB session setting shows in the rows.)
    const set = await runIn("SET SESSION default_null_order = 'nulls_first';\nSELECT 1", null, places);
    expect(set.status).toBe("succeeded");
    expect(set.place?.settings).toEqual(["SET SESSION default_null_order = 'nulls_first'"]);
    expect(await first(await runIn(order, set.place, places))).toBeNull();
    expect(places.at(-1)?.settings).toEqual(set.place?.settings);
    // Another run (another tab, another member) starts with the warehouse's settings.
    expect(await first(await run(order))).toBe("1");
    // Only the run's owner is sent its settings (a SET may carry a secret).
    const { runtime } = await import("@/lib/server/runtime");
    const record = await (await runtime()).catalog.load(set.id);
    expect(runs.runView(record as NonNullable<typeof record>, "someone-else").place).toEqual({
      catalog: set.place?.catalog,
      schema: set.place?.schema,
    });
    // A setting the warehouse no longer takes is left out; the others still hold.
    const kept = { ...(set.place as Place), settings: ["SET no_such_setting = 1", ...(set.place?.settings ?? [])] };
    expect(await first(await runIn(order, kept, places))).toBeNull();
    expect(places.at(-1)?.settings).toEqual(set.place?.settings);
    // …also when the place itself is gone.
    const gone = { ...kept, schema: "no_such_schema" };
    expect(await first(await runIn(order, gone, places))).toBeNull();
    expect(places.at(-1)?.settings).toEqual(set.place?.settings);
    // RESET forgets it.
    const reset = await runIn(`RESET SESSION default_null_order;\n${order}`, set.place, places);
    expect(await first(reset)).toBe("1");
    expect(places.at(-1)?.settings).toBeUndefined();
    await expectHealthy();
  });

  it("marks an error at its line and column in the script, with its SQLSTATE, and keeps the statements before it", async () => {
    const view = await run("SELECT 1 AS first;\n\nSELECT\n  no_such_column\nFROM range(1);\nSELECT 3");
    expect(view.status).toBe("failed");
    expect(view.error).toMatchObject({ line: 4, column: 3, sqlState: "42703" });
    expect(view.error?.message).toMatch(/^\[UNRESOLVED_COLUMN\][\s\S]*\(line 2, pos 2\)$/);
    expect(view.statements.map((s) => s.status)).toEqual(["succeeded", "failed", "skipped"]);
    const first = view.statements[0].resultId as string;
    expect((await runs.readPage(me, first, 0, 10, null)).rows).toEqual([["1"]]);
    const syntax = await run("SELECT 1;\nSELECT 1 FORM x");
    expect(syntax.error).toMatchObject({ line: 2, sqlState: "42601" });
    await expectHealthy();
  });

  it("names Lakebook, the member and the saved query in every statement it sends (user agent, query tags)", async () => {
    const { insertQuery } = await import("@/lib/server/db/queries/saved-queries");
    const { runtime } = await import("@/lib/server/runtime");
    const title = "Fares: by zone, hour";
    const saved = await insertQuery((await runtime()).db, me.id, {
      title,
      description: "",
      sql: "SELECT 1 AS a",
      connectionId: "test",
    });
    const before = warehouse.stats().statementCallers.length;
    const started = await runs.startRun(
      me,
      { sql: "SELECT 1 AS a; SELECT 2 AS b", connectionId: "test", lane: "tags", pageSize: 10, queryId: saved.id },
      engine,
    );
    let view = started.run;
    while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 200);
    expect(view.status).toBe("succeeded");
    const sent = warehouse.stats().statementCallers.slice(before);
    expect(sent.map((s) => s.statement)).toEqual(["SELECT 1 AS a", "SELECT 2 AS b"]);
    for (const call of sent) {
      expect(call.userAgent).toMatch(/^NodejsDatabricksSqlConnector\/[\d.]+ \(Lakebook\/\d+\.\d+\.\d+;/);
      // The driver's serialisation: key:value joined by commas, with `:` `,` `\` escaped in values.
      expect(call.queryTags?.split(/(?<!\\),/).sort()).toEqual(
        [
          `lakebook_member:${me.email}`,
          `lakebook_query:${saved.id}`,
          "lakebook_query_title:Fares\\: by zone\\, hour",
          `lakebook_run:${view.id}`,
        ].sort(),
      );
    }
  });

  it("keeps each column of a repeated name with its own values (Arrow results are read by position)", async () => {
    const view = await run("SELECT 1 AS id, 2 AS id");
    expect(view.status).toBe("succeeded");
    expect(view.columns.map((c) => c.name)).toEqual(["id", "id"]);
    expect((await runs.readPage(me, view.id, 0, 10, null)).rows).toEqual([["1", "2"]]);
    await expectHealthy();
  });

  it("stores a result with exact values", async () => {
    const view = await run(
      "SELECT trip_id, fare_amount, tpep_pickup_datetime FROM samples.nyctaxi.trips ORDER BY trip_id",
    );
    expect(view.status).toBe("succeeded");
    expect(view.rowCount).toBe(30_000);
    expect(view.columns.map((c) => c.type)).toEqual(["BIGINT", "DECIMAL(10,2)", "TIMESTAMP"]);
    const page = await runs.readPage(me, view.id, 0, 50, null);
    expect(page.rows[0][0]).toBe("9007199254740993");
    await expectHealthy();
  });

  it("waits through HTTP 503 while the warehouse starts", async () => {
    warehouse.faults.unavailable(5, 1);
    const view = await run("SELECT 42 AS answer");
    expect(view.status).toBe("succeeded");
    expect(view.message).toBeNull();
    expect(messages).toContain("The warehouse is starting. The query runs as soon as it is up.");
    await expectHealthy();
  });

  it("reopens an expired session once and runs the query", async () => {
    expect((await run("SELECT 1")).status).toBe("succeeded");
    warehouse.faults.expireSessions();
    const view = await run("SELECT 2 AS after_expiry");
    expect(view.status).toBe("succeeded");
    await expectHealthy();
  });

  it("reports a connection dropped in the middle of a fetch clearly", async () => {
    warehouse.faults.dropConnectionOnNextFetch();
    const view = await run("SELECT * FROM samples.nyctaxi.trips");
    expect(["failed", "succeeded"]).toContain(view.status);
    if (view.status === "failed")
      expect(view.error?.message).toMatch(/connection to the warehouse was lost|socket|ECONNRESET/i);
    await expectHealthy();
  });

  it("survives slow responses", async () => {
    warehouse.faults.delayMs(300);
    try {
      expect((await run("SELECT 7 AS slow")).status).toBe("succeeded");
    } finally {
      warehouse.faults.delayMs(0);
    }
    await expectHealthy();
  });

  it("searches tables of every catalog by name, matching % and _ as themselves", async () => {
    for (const sql of [
      "CREATE TABLE main.default.lb_search_a1 AS SELECT 1 AS x",
      "CREATE TABLE main.default.lb_searchxa1 AS SELECT 1 AS x",
      "CREATE VIEW main.default.lb_search_view AS SELECT 1 AS x",
    ]) {
      expect((await run(sql)).status).toBe("succeeded");
    }
    expect(await engine.searchTables("LINEITEM", 10)).toEqual([
      { catalog: "samples", schema: "tpch", name: "lineitem", kind: "table" },
    ]);
    expect(await engine.searchTables("search_", 10)).toEqual([
      { catalog: "main", schema: "default", name: "lb_search_a1", kind: "table" },
      { catalog: "main", schema: "default", name: "lb_search_view", kind: "view" },
    ]);
    expect(await engine.searchTables("100%", 10)).toEqual([]);
    // Exact names come first; only `limit` rows are fetched.
    expect((await engine.searchTables("trips", 10))[0]).toMatchObject({ catalog: "samples", name: "trips" });
    expect(await engine.searchTables("e", 2)).toHaveLength(2);
    await expectHealthy();
  });

  it("says what is wrong with a connection", async () => {
    const wrong = new DatabricksEngine({
      host: "localhost",
      port: warehouse.port,
      httpPath: warehouse.path,
      auth: { type: "token", token: "dapi-wrong" },
    });
    expect(await wrong.testConnection()).toEqual({
      ok: false,
      message: expect.stringMatching(/rejected the credentials \(HTTP 401\)/),
    });
    await wrong.close();
    const unreachable = new DatabricksEngine({
      host: "127.0.0.1",
      port: 9,
      httpPath: "/x",
      auth: { type: "token", token: "t" },
    });
    expect(await unreachable.testConnection()).toEqual({
      ok: false,
      message: expect.stringMatching(/cannot be reached \(ECONNREFUSED\)/),
    });
    await unreachable.close();
    expect(await engine.testConnection()).toEqual({ ok: true, detail: expect.stringMatching(/Connected/) });
  });
});
