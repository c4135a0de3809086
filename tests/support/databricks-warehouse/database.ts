import { DuckDBInstance } from "@duckdb/node-api";
import { sampleDataSql } from "@/lib/samples";
import { MAIN_CATALOG } from "./sql-rewrite";

/**
 * The warehouse's one in-memory DuckDB: the read-only-by-convention sample
 * catalog `samples` (the app's own sample data) and the writable catalog
 * Databricks calls `main` (DuckDB: `main_catalog`) with schema `default`.
 */
export async function openDatabase(tripsRows: number): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(":memory:", {
    // Never reach for the network to fetch an extension (the machines it runs on may have no internet).
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    // Structured errors: the type and subtype decide the SQLSTATE (errors.ts).
    errors_as_json: "true",
    threads: "2",
  });
  const connection = await instance.connect();
  try {
    await connection.run("ATTACH ':memory:' AS samples");
    await connection.run("USE samples");
    for (const statement of sampleDataSql(tripsRows)) await connection.run(statement);
    await connection.run(`ATTACH ':memory:' AS ${MAIN_CATALOG}`);
    await connection.run(`CREATE SCHEMA ${MAIN_CATALOG}."default"`);
  } finally {
    connection.closeSync();
  }
  return instance;
}
