import { DBSQLClient } from "@databricks/sql";
import type { ConnectionOptions } from "@databricks/sql/dist/contracts/IDBSQLClient";
import type IDBSQLSession from "@databricks/sql/dist/contracts/IDBSQLSession";
import { type DuckDBConnection, DuckDBDataChunk, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Arrow } from "@/lib/server/arrow";
import { ArrowChunkWriter } from "@/lib/server/engines/databricks/arrow-chunks";
import { arrowBatchSource, recordBatches } from "@/lib/server/engines/databricks/arrow-source";
import { type ColumnPlan, columnPlan, planFor, type ThriftSchema } from "@/lib/server/engines/databricks/types";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";

/**
 * The Databricks engine reads the driver's Arrow batches into DuckDB chunks
 * column by column. Whatever it stores must equal what the row path (the
 * driver's row objects through each column's plan) stores, for every type the
 * warehouse sends, NULLs included.
 */
let warehouse: TestWarehouse;
let client: DBSQLClient;
let session: IDBSQLSession;
let duck: DuckDBConnection;

beforeAll(async () => {
  warehouse = await startTestWarehouse();
  client = new DBSQLClient({ logger: { log() {} } });
  await client.connect({
    host: warehouse.host,
    port: warehouse.port,
    path: warehouse.path,
    token: warehouse.token,
    customCaCert: warehouse.caCert,
    telemetryEnabled: false,
    preserveBigNumericPrecision: true,
  } as ConnectionOptions);
  Object.assign(client.getConfig(), { useArrowNativeTypes: false });
  session = await client.openSession();
  duck = await (await DuckDBInstance.create(":memory:")).connect();
});

afterAll(async () => {
  await session?.close();
  await client?.close();
  await warehouse?.close();
});

/** A value as text for comparison: DuckDB's own rendering of the stored value. */
const text = (value: DuckDBValue) => (value === null ? null : String(value));

let tables = 0;

/**
 * Chunks appended to a DuckDB table as the result store does, and read back:
 * what would be stored. (Reading a chunk's values in JavaScript right after
 * setting them is not reliable in @duckdb/node-api: its vectors cache what they
 * read before the write.)
 */
async function stored(plans: ColumnPlan[], chunks: Iterable<DuckDBDataChunk>): Promise<(string | null)[][]> {
  const table = `t${++tables}`;
  await duck.run(`CREATE TABLE ${table} (${plans.map((p, i) => `c${i} ${p.storageType}`).join(", ")})`);
  const appender = await duck.createAppender(table);
  for (const chunk of chunks) appender.appendDataChunk(chunk);
  appender.closeSync();
  const rows = (await duck.runAndReadAll(`SELECT * FROM ${table} ORDER BY rowid`)).getRows();
  return rows.map((row) => row.map(text));
}

async function throughArrow(sql: string): Promise<(string | null)[][]> {
  const operation = await session.executeStatement(sql, { maxRows: 1000 });
  const plans = ((await operation.getSchema()) as unknown as ThriftSchema).columns.map(planFor);
  const source = await arrowBatchSource(operation);
  if (!source) throw new Error("the warehouse did not answer in Arrow");
  const chunks: DuckDBDataChunk[] = [];
  let writer: ArrowChunkWriter | null = null;
  while (await source.hasMore()) {
    for (const batch of recordBatches(await source.fetchNext({ limit: 1000 }))) {
      writer ??= new ArrowChunkWriter(plans, batch.schema);
      chunks.push(...writer.chunks(batch));
    }
  }
  await operation.close();
  return stored(plans, chunks);
}

async function throughRows(sql: string): Promise<(string | null)[][]> {
  const operation = await session.executeStatement(sql, { maxRows: 1000 });
  const schema = (await operation.getSchema()) as unknown as ThriftSchema;
  const plans = schema.columns.map(planFor);
  const names = schema.columns.map((c) => c.columnName);
  const chunks: DuckDBDataChunk[] = [];
  do {
    const objects = (await operation.fetchChunk({ maxRows: 1000 })) as Record<string, unknown>[];
    const chunk = DuckDBDataChunk.create(
      plans.map((p) => p.storageType),
      objects.length,
    );
    chunk.setColumns(
      plans.map((plan, c) => objects.map((row) => (row[names[c]] == null ? null : plan.convert(row[names[c]])))),
    );
    chunks.push(chunk);
  } while (await operation.hasMoreRows());
  await operation.close();
  return stored(plans, chunks);
}

/** Every type, a NULL in every column every seventh row, across several fetches and chunks. */
const EVERY_TYPE = `
  SELECT
    CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i % 128 AS TINYINT) END AS tiny,
    CASE WHEN i % 7 = 1 THEN NULL ELSE CAST(i * 7 - 16000 AS SMALLINT) END AS small,
    CASE WHEN i % 7 = 2 THEN NULL ELSE CAST(i * 100003 - 2000000000 AS INT) END AS n,
    CASE WHEN i % 7 = 3 THEN NULL ELSE CAST(i AS BIGINT) * 1844674407370955 - 9223372036854775807 END AS big,
    CASE WHEN i % 7 = 4 THEN NULL ELSE CAST(i / 3.0 AS FLOAT) END AS f,
    CASE WHEN i % 7 = 5 THEN NULL ELSE i / 7.0 - 300 END AS d,
    CASE WHEN i % 7 = 6 THEN NULL ELSE CAST((i % 9999) / 100.0 - 49 AS DECIMAL(4,2)) END AS d4,
    CASE WHEN i % 7 = 0 THEN NULL ELSE CAST((i % 800) * -1234.567 AS DECIMAL(9,3)) END AS d9,
    CASE WHEN i % 7 = 1 THEN NULL ELSE CAST(i * 123456789.1234 - 1 AS DECIMAL(18,4)) END AS d18,
    CASE WHEN i % 7 = 2 THEN NULL ELSE CAST(CASE WHEN i % 2 = 0 THEN '-' ELSE '' END || CAST(CAST(i AS HUGEINT) * 1234567890123456789 AS VARCHAR) || '.0123456789' AS DECIMAL(38,10)) END AS d38,
    CASE WHEN i % 7 = 3 THEN NULL ELSE i % 3 = 0 END AS flag,
    CASE WHEN i % 7 = 4 THEN NULL ELSE DATE '1900-01-01' + CAST(i * 11 AS INT) END AS day,
    CASE WHEN i % 7 = 5 THEN NULL ELSE TIMESTAMP '1960-01-01' + to_microseconds(CAST(i AS BIGINT) * 987654321013) END AS at,
    CASE WHEN i % 7 = 6 THEN NULL ELSE 'row ' || i || ' – 東京 🚕' END AS label,
    CASE WHEN i % 7 = 0 THEN NULL ELSE CAST('bin' || i AS BLOB) END AS bytes,
    CASE WHEN i % 7 = 1 THEN NULL ELSE [i, i + 1] END AS list,
    CASE WHEN i % 7 = 2 THEN NULL ELSE {'k': 'v' || i, 'n': i} END AS struct,
    CASE WHEN i % 7 = 3 THEN NULL ELSE MAP {'a': i} END AS map
  FROM range(5000) t(i)`;

describe("Databricks results read as Arrow batches", () => {
  it("store the same values as the row path for every type, with NULLs, over several fetches", async () => {
    const [arrow, rows] = [await throughArrow(EVERY_TYPE), await throughRows(EVERY_TYPE)];
    expect(arrow).toHaveLength(5000);
    expect(arrow).toEqual(rows);
    // And the values are right, not merely the same: a row with no NULL.
    expect(arrow[8]).toEqual((await throughRows(`SELECT * FROM (${EVERY_TYPE}) WHERE tiny = 8 LIMIT 1`))[0]);
    expect(arrow[3][3]).toBeNull();
    expect(arrow[1][3]).toBe(String(1844674407370955n - 9223372036854775807n));
  });

  it("store the tricky values table exactly (2^53, DECIMAL(38,10) extremes, µs timestamps, nested values as text)", async () => {
    const sql = "SELECT * FROM samples.demo.tricky_values ORDER BY id";
    const arrow = await throughArrow(sql);
    expect(arrow).toEqual(await throughRows(sql));
    expect(arrow[0].slice(2, 5)).toEqual([
      "9007199254740993",
      "1234567890123456789012345678.0123456789",
      "2024-02-29 23:59:59.999999",
    ]);
    expect(arrow[1].slice(2, 5)).toEqual([
      "-9223372036854775808",
      "-9999999999999999999999999999.9999999999",
      "1970-01-01 00:00:00.000001",
    ]);
    expect(arrow[6].slice(2)).toEqual(Array(9).fill(null));
  });

  it("reads a column of a type it does not expect value by value, and a batch that starts mid-byte", async () => {
    // INT as Arrow Int64 (not the Int32 the plan stores) and a slice at row 3, whose validity bits start mid-byte.
    const values = [1n, null, 3n, 4n, null, 6n, 7n, 8n, 9n, null, 11n];
    const table = new Arrow.Table({
      n: Arrow.vectorFromArray(values, new Arrow.Int64()),
      label: Arrow.vectorFromArray(
        values.map((v) => (v === null ? null : `r${v}`)),
        new Arrow.Utf8(),
      ),
    });
    const batch = table.batches[0].slice(3);
    const plans = [columnPlan("INT_TYPE"), columnPlan("STRING_TYPE")];
    const rows = await stored(plans, new ArrowChunkWriter(plans, batch.schema).chunks(batch));
    expect(rows).toEqual(values.slice(3).map((v) => (v === null ? [null, null] : [String(v), `r${v}`])));
  });
});
