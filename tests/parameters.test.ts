import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const runs = await import("@/lib/server/runs/runs");
const queries = await import("@/lib/server/queries");
const sharing = await import("@/lib/server/sharing");
const tabs = await import("@/lib/server/tabs");
const { runtime } = await import("@/lib/server/runtime");
const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const { choicesFromQuery } = await import("@/lib/server/parameter-choices");
type Engine = Awaited<ReturnType<typeof runtime>>["engine"];

const me = await createTestUser();
const HOSTILE = "'; DROP TABLE x; --";

let duckdb: Engine;
let warehouse: TestWarehouse;
let databricks: InstanceType<typeof DatabricksEngine>;

beforeAll(async () => {
  duckdb = (await runtime()).engine;
  await duckdb.testConnection();
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
  databricks = new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token: warehouse.token },
    startupWaitMs: 10_000,
  });
}, 120_000);

afterAll(async () => {
  await databricks?.close();
  await warehouse?.close();
});

async function run(engine: Engine, sql: string, parameters: ParameterSpec[]) {
  const started = await runs.startRun(
    me,
    { sql, connectionId: engine === duckdb ? "builtin" : "test", lane: randomUUID(), pageSize: 100, parameters },
    engine,
  );
  const final: RunView = await settleRun(runs.runState, me, started.run.id);
  const page = final.rowCount > 0 ? await runs.readPage(me, final.id, 0, 100, null) : null;
  return { final, rows: page?.rows ?? [] };
}

const typed: ParameterSpec[] = [
  { name: "d", type: "date", value: "2024-02-29" },
  { name: "ts", type: "timestamp", value: "2024-02-29 13:45:10" },
  { name: "n", type: "number", value: "42" },
  { name: "dec", type: "number", value: "-1.25" },
  { name: "t", type: "text", value: HOSTILE },
  { name: "c", type: "choice", value: "b", choices: ["a", "b"] },
];

describe.each(["duckdb", "databricks"] as const)("parameters on %s", (which) => {
  const engine = () => (which === "duckdb" ? duckdb : (databricks as unknown as Engine));

  it("binds typed values, and the run keeps the values it ran with", async () => {
    const { final, rows } = await run(
      engine(),
      "SELECT :d + 1 AS next_day, :ts AS ts, :n * 2 AS n2, :dec AS dec, :t AS t, :c AS c, ':d' AS s -- :nothing",
      typed,
    );
    expect(final.error).toBeNull();
    expect(final.status).toBe("succeeded");
    expect(rows[0][0]).toMatch(/^2024-03-01/);
    expect(rows[0][1]).toMatch(/^2024-02-29[ T]13:45:10/);
    expect(rows[0][2]).toBe("84");
    expect(Number(rows[0][3])).toBe(-1.25);
    expect(rows[0].slice(4)).toEqual([HOSTILE, "b", ":d"]);
    expect(final.parameters.map((p) => [p.name, p.value])).toEqual([
      ["d", "2024-02-29"],
      ["ts", "2024-02-29 13:45:10"],
      ["n", "42"],
      ["dec", "-1.25"],
      ["t", HOSTILE],
      ["c", "b"],
    ]);
  });

  it("a value with quotes and a DROP arrives as data", async () => {
    const table = `x_${which}`;
    const schema = which === "duckdb" ? "" : "main.default.";
    expect(
      (await run(engine(), `CREATE OR REPLACE TABLE ${schema}${table} AS SELECT 1 AS a`, [])).final.error,
    ).toBeNull();
    const { final, rows } = await run(engine(), `SELECT :t AS v, a FROM ${schema}${table} WHERE :t <> ''`, typed);
    expect(final.error).toBeNull();
    expect(rows).toEqual([[HOSTILE, "1"]]);
    expect((await run(engine(), `SELECT count(*) FROM ${schema}${table}`, [])).rows).toEqual([["1"]]);
  });

  it("a multi-select becomes one bound marker per value in an IN list", async () => {
    const ids: ParameterSpec = { name: "ids", type: "multi", value: ["1", "3"], choices: ["1", "2", "3", "4"] };
    const { final, rows } = await run(
      engine(),
      "SELECT id FROM (VALUES (1), (2), (3), (4)) AS v(id) WHERE id IN (:ids) ORDER BY id",
      [ids],
    );
    expect(final.error).toBeNull();
    expect(rows).toEqual([["1"], ["3"]]);
    const names: ParameterSpec = {
      name: "who",
      type: "multi",
      value: ["O'Brien", "b"],
      choices: ["a", "b", "O'Brien"],
    };
    const text = await run(engine(), "SELECT n FROM (VALUES ('a'), ('O''Brien')) AS v(n) WHERE n IN (:who)", [names]);
    expect(text.rows).toEqual([["O'Brien"]]);
  });

  it("marks an error where it is in the text as written, after a multi-select was expanded", async () => {
    const ids: ParameterSpec = { name: "ids", type: "multi", value: ["1", "2", "3"], choices: ["1", "2", "3"] };
    const sql = "SELECT 1;\nSELECT id FROM (VALUES (1)) AS v(id) WHERE id IN (:ids) AND no_such_column = 1";
    const { final } = await run(engine(), sql, [ids]);
    expect(final.status).toBe("failed");
    expect({ line: final.error?.line, column: final.error?.column }).toEqual({
      line: 2,
      column: sql.split("\n")[1].indexOf("no_such_column") + 1,
    });
  });

  it("binds back-quoted names, with a space and a backtick, and a value with a quote in it", async () => {
    const quoted: ParameterSpec[] = [
      { name: "start date", type: "date", value: "2024-02-29" },
      { name: "it's `x`", type: "text", value: HOSTILE },
      { name: "many ids", type: "multi", value: ["1", "3"], choices: ["1", "2", "3"] },
    ];
    const { final, rows } = await run(
      engine(),
      "SELECT :`start date` + 1 AS next_day, :`it's ``x``` AS v, :`Start Date` AS same, id\n" +
        "FROM (VALUES (1), (2), (3)) AS t(id) WHERE id IN (:`many ids`) ORDER BY id",
      quoted,
    );
    expect(final.error).toBeNull();
    expect(rows.map((r) => [String(r[0]).slice(0, 10), r[1], String(r[2]).slice(0, 10), r[3]])).toEqual([
      ["2024-03-01", HOSTILE, "2024-02-29", "1"],
      ["2024-03-01", HOSTILE, "2024-02-29", "3"],
    ]);
    expect(final.parameters.map((p) => p.name)).toEqual(["start date", "it's `x`", "many ids"]);
    // An error after a back-quoted marker is marked where it is in the text as written
    // (on DuckDB the sandbox's EXPLAIN finds it: its prefix is not counted).
    const sql = "SELECT :`it's ``x``` AS v,\n  :`many ids` AS w, no_such_column FROM (VALUES (1)) AS t(id)";
    const failed = (await run(engine(), sql, quoted.slice(1, 2).concat([{ ...quoted[2], type: "text", value: "a" }])))
      .final;
    expect(failed.status).toBe("failed");
    expect({ line: failed.error?.line, column: failed.error?.column }).toEqual({
      line: 2,
      column: sql.split("\n")[1].indexOf("no_such_column") + 1,
    });
  });

  it("binds each statement of a script", async () => {
    const { final, rows } = await run(engine(), "SELECT :n AS a;\nSELECT :n + 1 AS b", typed);
    expect(final.error).toBeNull();
    expect(rows).toEqual([["43"]]);
  });

  it("refuses a run whose value is missing or not of its type, before it starts", async () => {
    await expect(run(engine(), "SELECT :d", [])).rejects.toThrow("Give the parameter :d a value.");
    await expect(run(engine(), "SELECT :d", [{ name: "d", type: "date", value: "2024-02-30" }])).rejects.toThrow(
      'Parameter :d: "2024-02-30" is not a date',
    );
    await expect(run(engine(), "SELECT :n", [{ name: "n", type: "number", value: "1; DROP" }])).rejects.toThrow(
      "is not a number",
    );
    await expect(
      run(engine(), "SELECT :c", [{ name: "c", type: "choice", value: "z", choices: ["a"] }]),
    ).rejects.toThrow("Choose a value from the list");
  });
});

describe("the Databricks statement", () => {
  it("arrives with parameter markers, and the values beside it, typed", async () => {
    const before = warehouse.stats().statementParameters.length;
    const ids: ParameterSpec = { name: "ids", type: "multi", value: ["2", "3"], choices: ["1", "2", "3"] };
    await run(databricks as unknown as Engine, "SELECT :T AS t, :d AS d FROM (SELECT 1) WHERE 1 IN (1, :ids)", [
      ...typed,
      ids,
    ]);
    const sent = warehouse.stats().statementParameters.slice(before);
    const ours = sent.find((s) => s.statement.includes(":t AS t"));
    expect(ours?.statement).toBe("SELECT :t AS t, :d AS d FROM (SELECT 1) WHERE 1 IN (1, :ids__1, :ids__2)");
    expect(ours?.statement).not.toContain("DROP");
    expect(ours?.parameters).toEqual([
      { name: "t", type: "STRING", value: HOSTILE },
      { name: "d", type: "DATE", value: "2024-02-29" },
      { name: "ids__1", type: "BIGINT", value: "2" },
      { name: "ids__2", type: "BIGINT", value: "3" },
    ]);
  });
});

describe("the Databricks statement with back-quoted names and timestamps", () => {
  it("keeps back-quoted markers, the values named by their unquoted names", async () => {
    const before = warehouse.stats().statementParameters.length;
    await run(databricks as unknown as Engine, "SELECT :`Start Date` AS d, :`it's ``x``` AS v", [
      { name: "start date", type: "date", value: "2024-02-29" },
      { name: "it's `x`", type: "text", value: HOSTILE },
    ]);
    const ours = warehouse
      .stats()
      .statementParameters.slice(before)
      .find((s) => s.statement.includes("AS d"));
    expect(ours?.statement).toBe("SELECT :`start date` AS d, :`it's ``x``` AS v");
    expect(ours?.parameters).toEqual([
      { name: "start date", type: "DATE", value: "2024-02-29" },
      { name: "it's `x`", type: "STRING", value: HOSTILE },
    ]);
  });

  it("binds a timestamp as TIMESTAMP_NTZ: it compares right with TIMESTAMP and TIMESTAMP_NTZ columns, to the microsecond", async () => {
    const engine = databricks as unknown as Engine;
    const created = await run(
      engine,
      "CREATE OR REPLACE TABLE main.default.stamps AS SELECT CAST('2024-02-29 13:45:10.123456' AS TIMESTAMP) AS ts, " +
        "CAST('2024-02-29 13:45:10.123456' AS TIMESTAMP_NTZ) AS ntz",
      [],
    );
    expect(created.final.error).toBeNull();
    const at = (value: string): ParameterSpec[] => [{ name: "at", type: "timestamp", value }];
    const before = warehouse.stats().statementParameters.length;
    const sql =
      "SELECT ts = :at AS same_ts, ntz = :at AS same_ntz, ts > :at AS later, :at AS echoed FROM main.default.stamps";
    const exact = await run(engine, sql, at("2024-02-29T13:45:10.123456"));
    expect(exact.final.error).toBeNull();
    expect(exact.rows[0].slice(0, 3)).toEqual(["true", "true", "false"]);
    expect(String(exact.rows[0][3])).toMatch(/^2024-02-29[ T]13:45:10\.123456/);
    const sent = warehouse
      .stats()
      .statementParameters.slice(before)
      .find((s) => s.statement.includes("same_ts"));
    expect(sent?.parameters).toEqual([{ name: "at", type: "TIMESTAMP_NTZ", value: "2024-02-29T13:45:10.123456" }]);
    // One microsecond earlier is another value.
    const earlier = await run(engine, sql, at("2024-02-29 13:45:10.123455"));
    expect(earlier.rows[0].slice(0, 3)).toEqual(["false", "false", "true"]);
  });
});

describe("the built-in warehouse's sandbox", () => {
  it("checks a statement with parameters as it runs, values bound", async () => {
    const { final } = await run(duckdb, "SELECT * FROM read_csv(:f)", [
      { name: "f", type: "text", value: "/etc/passwd" },
    ]);
    expect(final.status).toBe("failed");
    expect(final.error?.message).toMatch(/read_csv|file|not allowed|Permission/i);
    const explained = await run(duckdb, "EXPLAIN SELECT :n + 1", [{ name: "n", type: "number", value: "1" }]);
    expect(explained.final.error).toBeNull();
  });
});

describe("who may change the values", () => {
  it("a viewer without Can run cannot run a saved query with changed values; a member with Can run can", async () => {
    const owner = await createTestUser("member", `owner-${randomUUID().slice(0, 6)}`);
    const sql = "SELECT :n AS n";
    const query = await queries.createQuery(owner, {
      title: "Parameterised",
      description: "",
      sql,
      connectionId: "builtin",
      parameters: [{ name: "n", type: "number", value: "1" }],
    });
    expect(query.parameters).toEqual([{ name: "n", type: "number", value: "1" }]);
    // A save keeps the widgets it is given, and one that leaves them out keeps the saved ones.
    const resaved = await queries.saveQuery(owner, query.id, query.version, {
      title: "Parameterised",
      description: "",
      sql,
      connectionId: "builtin",
      parameters: [{ name: "n", type: "number", value: "2" }],
    });
    expect("saved" in resaved && resaved.saved.parameters).toEqual([{ name: "n", type: "number", value: "2" }]);
    const kept = await queries.saveQuery(owner, query.id, query.version + 1, {
      title: "Parameterised",
      description: "a description",
      sql,
      connectionId: "builtin",
    });
    expect("saved" in kept && kept.saved.parameters).toEqual([{ name: "n", type: "number", value: "2" }]);
    const viewer = await createTestUser("member", `viewer-${randomUUID().slice(0, 6)}`);
    const runner = await createTestUser("member", `runner-${randomUUID().slice(0, 6)}`);
    await sharing.share(owner, "query", query.id, { kind: "user", id: viewer.id }, "view");
    await sharing.share(owner, "query", query.id, { kind: "user", id: runner.id }, "run");
    const changed = [{ name: "n", type: "number" as const, value: "7" }];
    const viewerTab = await tabs.openQueryTab(viewer, query.id);
    expect(viewerTab.parameters).toEqual([{ name: "n", type: "number", value: "2" }]);
    await expect(
      tabs.runInTab(viewer, {
        sql,
        connectionId: "builtin",
        lane: viewerTab.id,
        pageSize: 50,
        queryId: query.id,
        parameters: changed,
      }),
    ).rejects.toThrow(/permission|not found|can run|run/i);
    const runnerTab = await tabs.openQueryTab(runner, query.id);
    const { run: started } = await tabs.runInTab(runner, {
      sql,
      connectionId: "builtin",
      lane: runnerTab.id,
      pageSize: 50,
      queryId: query.id,
      parameters: changed,
    });
    const final = await settleRun(runs.runState, runner, started.id);
    expect(final.parameters).toEqual(changed);
    // The query's last result, as its viewer sees it, says the values it ran with.
    expect((await queries.getQuery(viewer, query.id)).lastRun?.parameters).toEqual(changed);
  });
});

describe("a dropdown filled from another saved query", () => {
  it("offers the first column of that query's last result, and the server checks the value against it", async () => {
    const owner = await createTestUser("member", `source-${randomUUID().slice(0, 6)}`);
    const sourceSql = "SELECT p, 0 AS other FROM (VALUES ('CSH'), ('CRD'), ('CSH'), (NULL)) AS t(p)";
    const source = await queries.createQuery(owner, {
      title: "Payment types",
      description: "",
      sql: sourceSql,
      connectionId: "builtin",
    });
    await expect(choicesFromQuery(owner, source.id)).rejects.toThrow("has no result yet");
    const sourceTab = await tabs.openQueryTab(owner, source.id);
    const ran = await tabs.runInTab(owner, {
      sql: sourceSql,
      connectionId: "builtin",
      lane: sourceTab.id,
      pageSize: 50,
      queryId: source.id,
    });
    await settleRun(runs.runState, owner, ran.run.id);
    expect(await choicesFromQuery(owner, source.id)).toEqual({ title: "Payment types", choices: ["CSH", "CRD"] });

    const lane = (await tabs.openDraftTab(owner, { title: "uses it", sql: "", connectionId: "builtin" })).id;
    const payment = (value: string, choices: string[]): ParameterSpec[] => [
      { name: "payment", type: "query", value, queryId: source.id, choices },
    ];
    const ok = await tabs.runInTab(owner, {
      sql: "SELECT :payment AS p",
      connectionId: "builtin",
      lane,
      pageSize: 50,
      parameters: payment("CRD", []),
    });
    expect((await settleRun(runs.runState, owner, ok.run.id)).parameters[0]).toMatchObject({
      value: "CRD",
      choices: ["CSH", "CRD"],
    });
    // A list forged in the browser does not count: the server reads the source again.
    await expect(
      tabs.runInTab(owner, {
        sql: "SELECT :payment AS p",
        connectionId: "builtin",
        lane,
        pageSize: 50,
        parameters: payment("XXX", ["XXX"]),
      }),
    ).rejects.toThrow("Choose a value from the list");

    // Someone who cannot see the source query gets "not found", with or without a forged id.
    const stranger = await createTestUser("member", `stranger-${randomUUID().slice(0, 6)}`);
    await expect(choicesFromQuery(stranger, source.id)).rejects.toThrow(/not found/i);
    await expect(choicesFromQuery(stranger, "00000000-0000-0000-0000-000000000000")).rejects.toThrow(/not found/i);
    const strangerLane = (await tabs.openDraftTab(stranger, { title: "x", sql: "", connectionId: "builtin" })).id;
    await expect(
      tabs.runInTab(stranger, {
        sql: "SELECT :payment AS p",
        connectionId: "builtin",
        lane: strangerLane,
        pageSize: 50,
        parameters: payment("CRD", ["CRD"]),
      }),
    ).rejects.toThrow(/not found/i);
  });
});

describe("notebook-level parameters", () => {
  it("are saved with the notebook and shared by its cells; Can run changes the values, Can view cannot run", async () => {
    const notebooks = await import("@/lib/server/notebooks");
    const owner = await createTestUser("member", `nb-${randomUUID().slice(0, 6)}`);
    const day: ParameterSpec = { name: "day", type: "date", value: "2024-01-31" };
    const created = await notebooks.createNotebook(owner, {
      title: "With parameters",
      connectionId: "builtin",
      parameters: [day],
      cells: [
        { id: randomUUID(), kind: "sql", source: "SELECT :day + 1 AS next", connectionId: null, chart: null },
        { id: randomUUID(), kind: "sql", source: "SELECT :day AS same", connectionId: null, chart: null },
      ],
    });
    expect(created.parameters).toEqual([day]);
    const [first, second] = created.cells;
    const ran = await notebooks.runCell(owner, created.id, first.id, 50, [day]);
    const done = await settleRun(runs.runState, owner, ran.run.id);
    expect(done.parameters).toEqual([day]);
    expect((await runs.readPage(owner, done.id, 0, 50, null)).rows).toEqual([["2024-02-01"]]);
    await expect(notebooks.runCell(owner, created.id, second.id, 50)).rejects.toThrow(
      "Give the parameter :day a value.",
    );

    const runner = await createTestUser("member", `nb-runner-${randomUUID().slice(0, 6)}`);
    const viewer = await createTestUser("member", `nb-viewer-${randomUUID().slice(0, 6)}`);
    await sharing.share(owner, "notebook", created.id, { kind: "user", id: runner.id }, "run");
    await sharing.share(owner, "notebook", created.id, { kind: "user", id: viewer.id }, "view");
    const changed: ParameterSpec = { ...day, value: "2023-12-31" };
    const theirs = await notebooks.runCell(runner, created.id, second.id, 50, [changed]);
    const theirsDone = await settleRun(runs.runState, runner, theirs.run.id);
    expect((await runs.readPage(runner, theirsDone.id, 0, 50, null)).rows).toEqual([["2023-12-31"]]);
    await expect(notebooks.runCell(viewer, created.id, second.id, 50, [changed])).rejects.toThrow(
      /permission|not found|can run|run/i,
    );
    // A save that leaves the parameters out keeps them.
    const saved = await notebooks.saveNotebook(owner, created.id, created.version, {
      title: "Renamed",
      connectionId: "builtin",
      cells: created.cells,
    });
    expect("saved" in saved && saved.saved.parameters).toEqual([day]);
  });
});
