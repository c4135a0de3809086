import "server-only";
import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { createTableSql, stageTable } from "./store-sql";

/** Rows of a DuckDB row group. */
export const ROW_GROUP = 122_880;
/**
 * Rows a stage collects before DuckDB moves it on: one row group. The last
 * move of a stored result runs after the final batch, so a smaller stage ends
 * a run sooner (1M rows: 0.39 s -> 0.37 s in DuckDB alone; no change at 10M)
 * and holds half the rows of wide results in memory.
 */
const STAGE_ROWS = ROW_GROUP;

/**
 * Batches from an engine on their way into DuckDB: appended to a table in
 * memory (the staging catalog) on the JavaScript thread, which is cheap,
 * before DuckDB moves the whole stage on its own threads, into a stored
 * result (result-writer.ts) or into a CSV file (csv-batches.ts). Storing and
 * the download of every row stage the same way.
 */
export class Stage {
  rows = 0;
  /** Bytes of the rows appended, as the caller measured them (chunk-bytes.ts). */
  bytes = 0;

  private constructor(
    /** The stage's table, qualified with its catalog. */
    readonly table: string,
    private readonly appender: DuckDBAppender,
  ) {}

  /**
   * Creates stage `n` of `base` on `connection`; its table is added to
   * `tables` once created, for the caller to drop after a failure.
   */
  static async open(
    connection: DuckDBConnection,
    base: string,
    n: number,
    types: readonly DuckDBType[],
    tables: Set<string>,
  ): Promise<Stage> {
    const stage = stageTable(base, n);
    await connection.run(createTableSql(stage.qualified, types.map(String)));
    tables.add(stage.qualified);
    const appender = await connection.createAppender(stage.name, "main", stage.catalog);
    return new Stage(stage.qualified, appender);
  }

  append(chunk: DuckDBDataChunk, bytes: number): void {
    this.appender.appendDataChunk(chunk);
    this.rows += chunk.rowCount;
    this.bytes += bytes;
  }

  /** Whether the stage should move on: a row group, or `maxBytes` of very wide rows. */
  full(maxBytes: number): boolean {
    return this.rows >= STAGE_ROWS || this.bytes >= maxBytes;
  }

  /** Ends appending: the rows become readable in the stage's table. */
  close(): void {
    this.appender.closeSync();
  }
}
