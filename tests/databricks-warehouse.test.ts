import { DBSQLClient } from "@databricks/sql";
import type { ConnectionOptions } from "@databricks/sql/dist/contracts/IDBSQLClient";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import OperationStateError from "@databricks/sql/dist/errors/OperationStateError";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { runOAuthClient } from "./support/databricks-warehouse/oauth-client";
import { ttypes } from "./support/databricks-warehouse/thrift";

/**
 * The real @databricks/sql driver against the test warehouse. Connect options
 * are what an engine would use for exact values: `preserveBigNumericPrecision`
 * (connect option) and `useArrowNativeTypes: false` (client config only: there
 * is no connect option for it, so it is set through `client.getConfig()`).
 */
let warehouse: TestWarehouse;
const clients: DBSQLClient[] = [];
const silent = { log() {} };

beforeAll(async () => {
  warehouse = await startTestWarehouse();
});

afterAll(async () => {
  await warehouse?.close();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  expect(warehouse.stats().openOperations).toBe(0);
  expect(warehouse.stats().openSessions).toBe(0);
});

type ClientConfig = { useArrowNativeTypes?: boolean; arrowEnabled?: boolean };

async function connect(options: Partial<ConnectionOptions> = {}, config: ClientConfig = {}) {
  const client = new DBSQLClient({ logger: silent });
  clients.push(client);
  await client.connect({
    host: warehouse.host,
    port: warehouse.port,
    path: warehouse.path,
    token: warehouse.token,
    customCaCert: warehouse.caCert,
    telemetryEnabled: false,
    preserveBigNumericPrecision: true,
    retryDelayMin: 10,
    retryDelayMax: 50,
    ...options,
  } as ConnectionOptions);
  Object.assign(client.getConfig(), { useArrowNativeTypes: false, ...config });
  return client;
}

type Row = Record<string, unknown>;

async function fetchAll(operation: IOperation, sizes: number[] = []): Promise<Row[]> {
  const rows: Row[] = [];
  do {
    const chunk = (await operation.fetchChunk({ maxRows: 10_000 })) as Row[];
    sizes.push(chunk.length);
    rows.push(...chunk);
  } while (await operation.hasMoreRows());
  await operation.close();
  return rows;
}

async function query(sql: string, client?: DBSQLClient): Promise<Row[]> {
  const session = await (client ?? (await connect())).openSession();
  try {
    return await fetchAll(await session.executeStatement(sql));
  } finally {
    await session.close();
  }
}

const TRICKY = "SELECT id, big_id, amount, happened_at, day, tags, payload FROM samples.demo.tricky_values ORDER BY id";

describe("values", () => {
  it("keeps BIGINT, DECIMAL(38,10), microsecond TIMESTAMPs and NULLs exact over Arrow with text types", async () => {
    const [first] = await query("SELECT trip_id FROM samples.nyctaxi.trips ORDER BY trip_id LIMIT 1");
    expect(first.trip_id).toBe(9007199254740993n);

    const rows = await query(TRICKY);
    expect(rows[0]).toMatchObject({
      big_id: 9007199254740993n,
      amount: "1234567890123456789012345678.0123456789",
      happened_at: "2024-02-29 23:59:59.999999",
      tags: ["a", "b"],
      payload: { k: "x", v: 1 },
    });
    expect(rows[1]).toMatchObject({
      big_id: -9223372036854775808n,
      amount: "-9999999999999999999999999999.9999999999",
      happened_at: "1970-01-01 00:00:00.000001",
    });
    expect(rows[4].happened_at).toBe("2024-06-01 12:00:00.5");
    expect(rows[6]).toMatchObject({ id: 7, big_id: null, amount: null, happened_at: null, day: null, tags: null });
  });

  it("sends native Arrow types when the client asks (the driver's default): timestamps lose microseconds", async () => {
    const rows = await query(TRICKY, await connect({}, { useArrowNativeTypes: true }));
    expect(rows[0].amount).toBe("1234567890123456789012345678.0123456789");
    expect(rows[0].happened_at).toEqual(new Date("2024-02-29T23:59:59.999Z"));
    expect(rows[0].payload).toEqual({ k: "x", v: 1 });
    expect(rows[0].tags).toEqual(["a", "b"]);
  });

  it("serves column-based results, where the driver rounds BIGINT above 2^53 to Infinity", async () => {
    const client = await connect({}, { arrowEnabled: false });
    const rows = await query(TRICKY, client);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ big_id: Number.POSITIVE_INFINITY, happened_at: "2024-02-29 23:59:59.999999" });
    expect(rows[6]).toMatchObject({ big_id: null, amount: null });
    // More rows than the direct results hold: pages, then the extra (empty) fetch the driver always makes.
    const session = await client.openSession();
    const many = await fetchAll(await session.executeStatement("SELECT i FROM range(2500) t(i)", { maxRows: 1000 }));
    expect(many).toHaveLength(2500);
    expect(many.at(-1)).toEqual({ i: 2499 });
    await session.close();
  });
});

describe("results", () => {
  it("streams a 150k-row result inline in chunks of at most maxRows", async () => {
    const session = await (await connect()).openSession();
    const sql = "SELECT i, 'row ' || i AS label FROM range(150000) t(i)";
    const sizes: number[] = [];
    // Without CloudFetch: a result this large would otherwise come as links.
    const rows = await fetchAll(await session.executeStatement(sql, { maxRows: 10_000, useCloudFetch: false }), sizes);
    await session.close();
    expect(rows).toHaveLength(150_000);
    expect(rows[149_999]).toEqual({ i: 149_999n, label: "row 149999" });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
    expect(warehouse.stats().results.at(-1)).toMatchObject({ statement: sql, delivery: "inline" });
  });

  it("answers a large result with CloudFetch links: LZ4-framed Arrow files on another HTTPS port", async () => {
    const session = await (await connect()).openSession();
    const sql = "SELECT i, 'row ' || i AS label FROM range(150000) t(i)";
    for (const lz4 of ["client", "always"] as const) {
      warehouse.cloudFetch.lz4 = lz4;
      const rows = await fetchAll(await session.executeStatement(sql));
      expect(rows).toHaveLength(150_000);
      expect(rows[123_456]).toEqual({ i: 123_456n, label: "row 123456" });
      const record = warehouse.stats().results.at(-1);
      expect(record).toMatchObject({ statement: sql, delivery: "cloudfetch", links: 8, downloads: 8 });
    }
    warehouse.cloudFetch.lz4 = "client";
    // Only results above the threshold go as links; Infinity sends none.
    expect(await fetchAll(await session.executeStatement("SELECT 1 AS one"))).toEqual([{ one: 1 }]);
    expect(warehouse.stats().results.at(-1)).toMatchObject({ delivery: "inline" });
    const threshold = warehouse.cloudFetch.thresholdRows;
    warehouse.cloudFetch.thresholdRows = Number.POSITIVE_INFINITY;
    try {
      expect(await fetchAll(await session.executeStatement(sql))).toHaveLength(150_000);
      expect(warehouse.stats().results.at(-1)).toMatchObject({ statement: sql, delivery: "inline" });
    } finally {
      warehouse.cloudFetch.thresholdRows = threshold;
    }
    await session.close();
  });

  it("writes to main.default and keeps USE across statements of a session", async () => {
    const session = await (await connect()).openSession();
    const run = async (sql: string) => fetchAll(await session.executeStatement(sql));
    await run("CREATE TABLE main.default.notes (id BIGINT, body STRING)");
    expect(await run("INSERT INTO notes VALUES (1, 'one'), (2, 'two')")).toEqual([{ num_affected_rows: 2n }]);
    await run("USE samples.nyctaxi");
    expect(await run("SELECT count(*) AS n FROM trips")).toEqual([{ n: 20_000n }]);
    expect(await run("SELECT body FROM `main`.`default`.`notes` ORDER BY id")).toEqual([
      { body: "one" },
      { body: "two" },
    ]);
    await run("DROP TABLE main.default.notes");
    await session.close();
  });

  it("binds named and ordinal parameters", async () => {
    const session = await (await connect()).openSession();
    const named = await session.executeStatement(
      "SELECT trip_id FROM samples.nyctaxi.trips WHERE trip_id = :id AND payment_type <> :kind",
      { namedParameters: { id: 9007199254740995n, kind: "nothing" } },
    );
    expect(await fetchAll(named)).toEqual([{ trip_id: 9007199254740995n }]);
    const ordinal = await session.executeStatement("SELECT ? AS a, ?::INT + 1 AS b, ? AS c", {
      ordinalParameters: ["it's", 41, null],
    });
    expect(await fetchAll(ordinal)).toEqual([{ a: "it's", b: 42, c: null }]);
    const unbound = await session.executeStatement("SELECT :missing", { namedParameters: { other: 1 } });
    await expect(unbound.fetchChunk({})).rejects.toMatchObject({ response: { sqlState: "42P02" } });
    await unbound.close();
    await session.close();
  });

  it("keeps two open results of one session apart", async () => {
    const session = await (await connect()).openSession();
    const a = await session.executeStatement("SELECT i FROM range(30000) t(i)", { maxRows: 1000 });
    const b = await session.executeStatement("SELECT i * 10 AS j FROM range(25000) t(i)", { maxRows: 1000 });
    const [rowsA, rowsB] = await Promise.all([fetchAll(a), fetchAll(b)]);
    expect(rowsA).toHaveLength(30_000);
    expect(rowsB.at(-1)).toEqual({ j: 249_990n });
    await session.close();
  });
});

describe("failures", () => {
  it("rejects a wrong token with HTTP 401 and a wrong path with HTTP 404", async () => {
    const badToken = await connect({ token: "dapi-wrong" });
    await expect(badToken.openSession()).rejects.toMatchObject({ statusCode: 401 });
    const badPath = await connect({ path: "/sql/1.0/warehouses/nope" });
    await expect(badPath.openSession()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reports SQL errors as OperationStateError with a SQLSTATE", async () => {
    const session = await (await connect()).openSession();
    const failure = async (sql: string) => {
      const operation = await session.executeStatement(sql);
      const error = await operation.fetchChunk({ maxRows: 10 }).catch((e: unknown) => e);
      await operation.close();
      expect(error).toBeInstanceOf(OperationStateError);
      return error as OperationStateError;
    };
    const syntax = await failure("SELEC 1");
    expect(syntax.response?.sqlState).toBe("42601");
    expect(syntax.message).toMatch(/^\[PARSE_SYNTAX_ERROR\] .*SELEC/);
    expect((await failure("SELECT * FROM main.default.missing")).response?.sqlState).toBe("42P01");
    expect((await failure("SELECT nope FROM range(1)")).response?.sqlState).toBe("42703");
    await session.close();
  });

  it("cancels a long query on the warehouse", async () => {
    const session = await (await connect()).openSession();
    const sql = "SELECT count(*) FROM range(10000000000)";
    const operation = await session.executeStatement(sql);
    const pending = operation.fetchChunk({ maxRows: 10 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await operation.cancel();
    const error = await pending;
    expect(error).toBeInstanceOf(OperationStateError);
    expect((error as OperationStateError).errorCode).toBe("CANCELED");
    expect(warehouse.stats().cancelledStatements).toContain(sql);
    // The interrupt reached DuckDB: the statement stopped instead of counting on in the background.
    // (A statement counting on would keep this loop going into the test timeout.)
    while (warehouse.stats().runningStatements > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fetchAll(await session.executeStatement("SELECT 42 AS answer"))).toEqual([{ answer: 42 }]);
    await session.close();
  });

  it("reports an expired session as a StatusError with Databricks' message", async () => {
    const client = await connect();
    const session = await client.openSession();
    warehouse.faults.expireSessions();
    const error = await session.executeStatement("SELECT 1").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "Status Error",
      message: `Invalid SessionHandle: SessionHandle [${session.id}]`,
    });
    await expect(session.close()).rejects.toMatchObject({ name: "Status Error" });
    expect(await query("SELECT 1 AS one", client)).toEqual([{ one: 1 }]);
  });

  it("retries HTTP 503 on retryable calls but not on OpenSession or ExecuteStatement", async () => {
    const client = await connect();
    warehouse.faults.unavailable(1, 1);
    await expect(client.openSession()).rejects.toMatchObject({ statusCode: 503 });

    const session = await client.openSession();
    warehouse.faults.unavailable(2, 1, ["GetCatalogs"]);
    expect(await fetchAll(await session.getCatalogs())).toEqual([{ TABLE_CAT: "main" }, { TABLE_CAT: "samples" }]);

    warehouse.faults.unavailable(10, undefined, ["GetSchemas"]);
    await expect(session.getSchemas()).rejects.toThrow(
      "Hive driver: 503 when connecting to resource. Max retry count exceeded.",
    );
    warehouse.faults.unavailable(0);
    await session.close();
  });

  it("loses a fetch whose connection drops, and slows down on demand", async () => {
    const session = await (await connect()).openSession();
    const operation = await session.executeStatement("SELECT i FROM range(5000) t(i)", { maxRows: 1000 });
    expect(await operation.fetchChunk({ maxRows: 1000 })).toHaveLength(1000);
    warehouse.faults.dropConnectionOnNextFetch();
    await expect(operation.fetchChunk({ maxRows: 1000 })).rejects.toMatchObject({ code: "ECONNRESET" });
    // The driver reads one batch ahead: the chunk that failed had already read rows 1000–1999 and lost
    // them with the failed read-ahead, and the warehouse had moved past 2000–2999 for the dropped reply.
    const next = (await operation.fetchChunk({ maxRows: 1000 })) as Row[];
    expect(next[0]).toEqual({ i: 3000n });
    await operation.close();

    warehouse.faults.delayMs(300);
    const started = Date.now();
    await fetchAll(await session.executeStatement("SELECT 1"));
    warehouse.faults.delayMs(0);
    // Direct results make a small query one round trip: ExecuteStatement answers with rows and closeOperation.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await session.close();
  });
});

describe("metadata", () => {
  it("lists catalogs, schemas, tables and columns with Databricks' column names", async () => {
    const session = await (await connect()).openSession();
    const catalogs = await fetchAll(await session.getCatalogs());
    expect(catalogs.map((r) => r.TABLE_CAT)).toEqual(["main", "samples"]);
    const schemas = await fetchAll(await session.getSchemas({ catalogName: "samples" }));
    expect(schemas).toEqual([
      { TABLE_SCHEM: "demo", TABLE_CATALOG: "samples" },
      { TABLE_SCHEM: "nyctaxi", TABLE_CATALOG: "samples" },
      { TABLE_SCHEM: "tpch", TABLE_CATALOG: "samples" },
    ]);
    const tables = await fetchAll(await session.getTables({ catalogName: "samples", schemaName: "tpch" }));
    expect(tables.map((r) => r.TABLE_NAME)).toEqual(["customer", "lineitem", "nation", "orders", "region"]);
    expect(tables[0]).toMatchObject({ TABLE_CAT: "samples", TABLE_SCHEM: "tpch", TABLE_TYPE: "TABLE" });
    const columns = await fetchAll(
      await session.getColumns({ catalogName: "samples", schemaName: "demo", tableName: "tricky_values" }),
    );
    expect(columns.map((c) => [c.COLUMN_NAME, c.TYPE_NAME])).toEqual([
      ["id", "INT"],
      ["label", "STRING"],
      ["big_id", "BIGINT"],
      ["amount", "DECIMAL(38,10)"],
      ["happened_at", "TIMESTAMP"],
      ["text_value", "STRING"],
      ["huge", "DECIMAL(38,0)"],
      ["ratio", "DOUBLE"],
      ["day", "DATE"],
      ["tags", "ARRAY<STRING>"],
      ["payload", "STRUCT<k: STRING, v: INT>"],
    ]);
    expect(columns[3]).toMatchObject({ DATA_TYPE: 3, COLUMN_SIZE: 38, DECIMAL_DIGITS: 10, IS_NULLABLE: "YES" });
    expect((await session.getInfo(ttypes.TGetInfoType.CLI_DBMS_NAME)).getValue()).toBe("Spark SQL");
    await session.close();
  });
});

describe("OAuth machine-to-machine", () => {
  it("gets a token with the client secret and runs a query; a wrong secret is invalid_client", async () => {
    const run = await runOAuthClient(warehouse, "SELECT 7 AS seven");
    expect(run).toEqual({ ok: true, rows: [{ seven: 7 }] });
    const wrong = await runOAuthClient(warehouse, "SELECT 1", { clientSecret: "not-the-secret" });
    expect(wrong).toMatchObject({ ok: false, name: "OPError", error: "invalid_client" });
  });
});
