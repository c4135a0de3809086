import { DuckDBInstance } from "@duckdb/node-api";
import type { Cell } from "@/lib/results/types";
import { sampleDataSql } from "@/lib/samples";
import { E2E_TRIPS_ROWS } from "./constants";

const instances = new Map<number, Promise<DuckDBInstance>>();

/**
 * The sample catalog regenerated in this test process, independently of the
 * app, so a result seen in the browser can be checked against DuckDB's own.
 */
async function samples(tripsRows: number): Promise<DuckDBInstance> {
  let instance = instances.get(tripsRows);
  instance ??= (async () => {
    const db = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
    const connection = await db.connect();
    await connection.run("ATTACH ':memory:' AS samples");
    await connection.run("USE samples");
    for (const statement of sampleDataSql(tripsRows)) await connection.run(statement);
    connection.closeSync();
    return db;
  })();
  instances.set(tripsRows, instance);
  return instance;
}

/** Rows of `sql` with every value as DuckDB's text (null for NULL). */
export async function trueResult(
  sql: string,
  tripsRows = E2E_TRIPS_ROWS,
): Promise<{ columns: string[]; rows: Cell[][] }> {
  const connection = await (await samples(tripsRows)).connect();
  try {
    // DuckDB's own text for each value: exact, as the app promises to show it.
    const reader = await connection.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM (${sql})`);
    const columns = reader.columnNames();
    const rows = reader.getRows() as Cell[][];
    return { columns, rows };
  } finally {
    connection.closeSync();
  }
}
