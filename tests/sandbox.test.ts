import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

/**
 * A hostile member on the built-in warehouse: every statement that could touch
 * the server's files, other catalogs or other members' environment is refused
 * before it runs, and the warehouse is intact afterwards.
 */
const dataDir = prepareTempDataDir();
const warehouseDir = path.join(dataDir, "warehouse");
const files = {
  workspace: path.join(warehouseDir, "workspace.duckdb"),
  samples: path.join(warehouseDir, "samples.duckdb"),
  temp: path.join(warehouseDir, "tmp"),
  secretKey: path.join(dataDir, "secret.key"),
  results: path.join(dataDir, "results"),
  metadata: path.join(dataDir, "metadata"),
};

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();
const mallory = await createTestUser("member", "mallory");
const alice = await createTestUser("member", "alice");

let lane = 0;
async function run(sql: string, who = mallory) {
  const started = await runs.startRun(
    who,
    { sql, connectionId: "builtin", lane: `l${lane++}`, pageSize: 100 },
    rt.engine,
  );
  const final = await settleRun(runs.runState, who, started.run.id);
  const page = final.rowCount > 0 ? await runs.readPage(who, final.id, 0, 100, null) : null;
  return { final, rows: page?.rows ?? [] };
}

async function refused(sql: string, what: string | RegExp) {
  const { final } = await run(sql);
  expect(final.status, sql).toBe("failed");
  const message = final.error?.message ?? "";
  expect(message, sql).toContain("is not allowed on the built-in warehouse");
  if (typeof what === "string") expect(message, sql).toContain(what);
  else expect(message, sql).toMatch(what);
}

async function allowed(sql: string) {
  const result = await run(sql);
  expect(result.final.error, sql).toBeNull();
  expect(result.final.status, sql).toBe("succeeded");
  return result.rows;
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

beforeAll(async () => {
  await allowed("CREATE TABLE workspace.default.kept AS SELECT range AS n, 'row ' || range AS label FROM range(1000)");
}, 120_000);

describe("the cases that broke the server", () => {
  it("refuses COPY over the warehouse's own database file, whose path anyone can read", async () => {
    const rows = await allowed("SELECT path FROM duckdb_databases() WHERE database_name = 'workspace'");
    expect(rows[0][0]).toBe(files.workspace);
    await refused(`COPY (SELECT 'x' AS x) TO ${q(files.workspace)} (FORMAT csv, USE_TMP_FILE false)`, "COPY");
  });

  it("refuses DETACH of workspace after USE samples, and every member keeps running", async () => {
    await refused("USE samples; DETACH workspace", "DETACH");
    expect(await allowed("SELECT count(*) FROM kept")).toEqual([["1000"]]);
    expect((await run("SELECT 1 AS one", alice)).rows).toEqual([["1"]]);
  });

  it("refuses a macro that would replace a built-in function for everyone", async () => {
    await refused("CREATE OR REPLACE MACRO lower(x) AS 'pwned'", "CREATE MACRO");
    await refused("CREATE FUNCTION lower(x) AS 'pwned'", "CREATE FUNCTION");
    await refused("CREATE TEMP MACRO lower(x) AS 'pwned'", "CREATE MACRO");
    await refused("CREATE MACRO pwn(x) AS TABLE SELECT x", "CREATE MACRO");
    expect((await run("SELECT lower('ABC')", alice)).rows).toEqual([["abc"]]);
  });

  it("refuses re-attaching samples writable", async () => {
    await refused("DETACH samples", "DETACH");
    await refused(`ATTACH ${q(files.samples)} AS samples`, "ATTACH");
    await refused(`ATTACH ${q(files.samples)} AS samples2 (READ_ONLY)`, "ATTACH");
    const write = await run("CREATE TABLE samples.demo.mine AS SELECT 1 AS x");
    expect(write.final.status).toBe("failed");
    expect(write.final.error?.message).toMatch(/read-only/i);
  });

  it("refuses COPY and ATTACH of files in the warehouse's temp directory", async () => {
    await refused(`COPY (SELECT 1 AS x) TO ${q(path.join(files.temp, "x.csv"))}`, "COPY");
    await refused(`ATTACH ${q(path.join(files.temp, "y.duckdb"))} AS y`, "ATTACH");
    await refused(`ATTACH ':memory:' AS scratch`, "ATTACH");
  });
});

describe("every statement class that reaches beyond workspace and samples", () => {
  it.each([
    ["EXPORT DATABASE '/tmp/lakebook-export'", "EXPORT DATABASE"],
    [`IMPORT DATABASE ${q(files.temp)}`, "IMPORT DATABASE"],
    ["INSTALL json", "INSTALL and LOAD"],
    ["LOAD json", "INSTALL and LOAD"],
    ["FORCE INSTALL httpfs", /INSTALL|FORCE/],
    ["SET threads = 1", "SET and RESET"],
    ["SET memory_limit = '100GB'", "SET and RESET"],
    ["RESET threads", "SET and RESET"],
    ["SET VARIABLE x = 1", "SET and RESET"],
    ["SET search_path = 'samples.tpch'", "SET and RESET"],
    ["PRAGMA enable_profiling", "PRAGMA"],
    ["PRAGMA threads = 1", "PRAGMA"],
    ["CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')", "CREATE SECRET"],
    ["CREATE PERSISTENT SECRET s (TYPE http)", "CREATE SECRET"],
    ["DROP MACRO lower", "DROP MACRO"],
    // DuckDB 1.5 cannot replay a log with a type dropped with its schema: the server would not start.
    ["CREATE TYPE mood AS ENUM ('ok', 'meh')", "CREATE TYPE"],
    ["DROP TYPE mood", "DROP TYPE"],
    ["DROP SECRET s", "DROP SECRET"],
    ["USE system", "USE system"],
    ["USE temp", "USE temp"],
    ['USE "system".main', "USE system"],
    ["CALL checkpoint()", "CALL"],
    ["CHECKPOINT", "CALL"],
    ["VACUUM", "VACUUM"],
    ["ANALYZE", "VACUUM and ANALYZE"],
    ["PREPARE p AS SELECT 1", "PREPARE"],
    ["UPDATE EXTENSIONS", "UPDATE EXTENSIONS"],
    ["COPY FROM DATABASE workspace TO samples", "COPY FROM DATABASE"],
    ["COPY kept FROM '/etc/hostname'", "COPY"],
    ["/* a comment first */ aTTaCh ':memory:' AS m", "ATTACH"],
    ["-- line\n  DeTaCh samples", "DETACH"],
  ])("%s", async (sql, what) => {
    await refused(sql, what);
  });
});

describe("table functions that read files, wherever they hide", () => {
  const secret = q(files.secretKey);
  it.each([
    `SELECT * FROM read_text(${secret})`,
    `SELECT * FROM read_blob(${q(path.join(files.temp, "*"))})`,
    `SELECT * FROM read_blob(${q(files.workspace)})`,
    `SELECT * FROM read_csv(${q(files.workspace)})`,
    `SELECT * FROM glob(${q(path.join(warehouseDir, "**"))})`,
    `SELECT * FROM sniff_csv(${q(files.workspace)})`,
    `SELECT * FROM read_text(${q(path.join(files.metadata, "PG_VERSION"))})`,
    `SELECT * FROM read_blob(${q(path.join(files.results, "*"))})`,
    `SELECT * FROM parquet_metadata(${q(files.workspace)})`,
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM duckdb_temporary_files()",
    `SELECT * FROM kept WHERE n IN (SELECT octet_length(content) FROM read_blob(${q(files.workspace)}))`,
    `WITH f AS (SELECT * FROM read_text(${secret})) SELECT * FROM f`,
    `SELECT * FROM query(${q(`SELECT * FROM read_text(${secret})`)})`,
    `INSERT INTO kept SELECT 1, content FROM read_text(${secret})`,
    `CREATE TABLE stolen AS SELECT * FROM read_text(${secret})`,
    `CREATE VIEW stolen_view AS SELECT * FROM read_blob(${q(files.workspace)})`,
    `CREATE VIEW stolen_cols (a) AS SELECT * FROM read_csv(${q(files.workspace)})`,
    `UPDATE kept SET label = (SELECT content FROM read_text(${secret}))`,
    `DELETE FROM kept WHERE label IN (SELECT content FROM read_text(${secret}))`,
    `EXPLAIN SELECT * FROM read_text(${secret})`,
    `EXPLAIN ANALYZE SELECT * FROM read_blob(${q(files.workspace)})`,
  ])("%s", async (sql) => {
    const { final } = await run(sql);
    expect(final.status).toBe("failed");
    expect(final.error?.message).toMatch(
      /^(The table function \w+\(\)|Reading or writing files on the server) is not allowed on the built-in warehouse\./,
    );
  });

  it("refuses a file named as a table (a replacement scan), and EXPLAIN ANALYZE of a COPY", async () => {
    const scan = await run(`SELECT * FROM ${q(path.join(files.temp, "x.csv"))}`);
    expect(scan.final.status).toBe("failed");
    await refused(`EXPLAIN ANALYZE COPY kept TO ${q(files.workspace)}`, "COPY");
  });

  it("marks the refused function in the editor", async () => {
    const { final } = await run("SELECT 1 AS a,\n  (SELECT count(*) FROM glob('*')) AS b");
    expect(final.error).toMatchObject({ line: 2, column: 25 });
    expect(final.error?.message).toContain("The table function glob()");
  });

  it("never creates what it refused", async () => {
    const rows = await allowed(
      "SELECT table_name FROM information_schema.tables WHERE table_name IN ('stolen', 'stolen_view', 'stolen_cols')",
    );
    expect(rows).toEqual([]);
  });
});

describe("multi-statement text and transactions are checked statement by statement", () => {
  it("stops at the refused statement and keeps what ran before it", async () => {
    const { final } = await run(
      "CREATE TABLE before_refusal AS SELECT 1 AS x; DETACH samples; CREATE TABLE after_refusal AS SELECT 2 AS x",
    );
    expect(final.status).toBe("failed");
    expect(final.error?.message).toContain("DETACH");
    expect(final.error?.line).toBe(1);
    expect(await allowed("SELECT x FROM before_refusal")).toEqual([["1"]]);
    expect((await run("SELECT x FROM after_refusal")).final.status).toBe("failed");
  });

  it("refuses a NUL character, where DuckDB would stop reading", async () => {
    // The action wrapper refuses it before it reaches the store; the engine refuses it too.
    const session = await rt.engine.openSession();
    await expect(session.execute("SELECT 1 AS x\0; DETACH samples", new AbortController().signal)).rejects.toThrow(
      "NUL character",
    );
    await session.close();
  });

  it("refuses inside the member's own transaction", async () => {
    const { final } = await run(
      "BEGIN;\nCREATE TABLE in_tx AS SELECT 1 AS x;\nCREATE MACRO upper(x) AS 'pwned';\nCOMMIT",
    );
    expect(final.status).toBe("failed");
    expect(final.error?.message).toContain("CREATE MACRO");
    expect(final.error?.line).toBe(3);
    expect((await run("SELECT upper('abc')", alice)).rows).toEqual([["ABC"]]);
  });
});

describe("what members may do", () => {
  it("reads samples and works with tables, views, schemas and indexes in workspace", async () => {
    expect(await allowed("SELECT count(*) FROM samples.tpch.region")).toEqual([["5"]]);
    await allowed("CREATE SCHEMA IF NOT EXISTS workspace.team");
    await allowed("CREATE OR REPLACE TABLE workspace.team.t (id INTEGER PRIMARY KEY, name VARCHAR)");
    await allowed("INSERT INTO workspace.team.t VALUES (1, 'a'), (2, 'b')");
    await allowed("UPDATE workspace.team.t SET name = 'c' WHERE id = 2");
    await allowed("DELETE FROM workspace.team.t WHERE id = 1");
    await allowed("ALTER TABLE workspace.team.t ADD COLUMN note VARCHAR");
    await allowed("COMMENT ON TABLE workspace.team.t IS 'ours'");
    await allowed("CREATE INDEX t_name ON workspace.team.t (name)");
    await allowed("CREATE SEQUENCE workspace.team.ids");
    await allowed("CREATE OR REPLACE VIEW workspace.team.v (n) AS SELECT count(*) FROM samples.tpch.nation");
    expect(await allowed("SELECT * FROM workspace.team.v")).toEqual([["25"]]);
    await allowed(
      "MERGE INTO workspace.team.t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET name = 'd'",
    );
    expect(await allowed("SELECT id, name FROM workspace.team.t")).toEqual([["2", "d"]]);
    await allowed("DROP VIEW workspace.team.v");
    await allowed("DROP TABLE workspace.team.t");
    await allowed("DROP SCHEMA workspace.team CASCADE");
  });

  it("explores with SHOW, DESCRIBE, SUMMARIZE, EXPLAIN, read-only PRAGMAs, USE and the catalog functions", async () => {
    await allowed("SHOW TABLES");
    await allowed("SHOW ALL TABLES");
    await allowed("DESCRIBE samples.tpch.nation");
    await allowed("SUMMARIZE samples.tpch.region");
    await allowed("PRAGMA table_info('kept')");
    await allowed("PRAGMA show_tables");
    await allowed("EXPLAIN SELECT * FROM samples.tpch.nation");
    await allowed("EXPLAIN ANALYZE SELECT count(*) FROM samples.tpch.nation");
    await allowed("USE samples.tpch; SELECT count(*) FROM nation");
    await allowed("USE samples; SELECT 1");
    await allowed(`USE workspace."default"; SELECT 1`);
    await allowed("SELECT * FROM information_schema.columns LIMIT 5");
    await allowed("SELECT * FROM duckdb_functions() WHERE function_name = 'lower'");
    await allowed("SELECT * FROM range(3), generate_series(1, 2)");
    await allowed("SELECT unnest([1, 2, 3])");
    await allowed("BEGIN; SELECT 1; COMMIT");
  });

  it("dropping the default schema does not stop the next session", async () => {
    await allowed(`DROP SCHEMA workspace."default" CASCADE`);
    expect(await allowed("SELECT current_schema()")).toEqual([["default"]]);
    await allowed("CREATE TABLE kept AS SELECT range AS n, 'row ' || range AS label FROM range(1000)");
  });
});

describe("after the attacks", () => {
  it("keeps tables, built-in functions and the warehouse's files, and restarts on the same data", async () => {
    expect(await allowed("SELECT count(*), lower('ABC') FROM kept")).toEqual([["1000", "abc"]]);
    // Restart the warehouse on the same directory, as a new server process would.
    await rt.engine.close();
    const { openWarehouse } = await import("@/lib/server/engines/duckdb/warehouse");
    const { DuckDBEngine } = await import("@/lib/server/engines/duckdb/engine");
    const reopened = new DuckDBEngine(
      await openWarehouse({ dir: warehouseDir, memoryLimit: "100MB", threads: 2, tripsRows: 20_000 }),
    );
    const session = await reopened.openSession();
    const controller = new AbortController();
    const result = await session.execute("SELECT count(*), lower('ABC') FROM kept", controller.signal);
    expect(result.kind).toBe("rows");
    await session.close();
    expect(await reopened.listCatalogs()).toEqual(expect.arrayContaining(["samples", "workspace"]));
    await reopened.close();
  });
});
