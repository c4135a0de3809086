import { BIGINT, type DuckDBConnection, type DuckDBValue, ResultReturnType } from "@duckdb/node-api";
import type { ColumnSpec } from "./types";

export interface Chunk {
  /** Column-major values. */
  values: DuckDBValue[][];
  rowCount: number;
}

/** Where an operation's rows come from: a DuckDB stream, or rows computed up front (metadata). */
export interface RowSource {
  readonly columns: ColumnSpec[];
  /** The next chunk, or null when there are no more rows. */
  next(): Promise<Chunk | null>;
}

export class StaticSource implements RowSource {
  private done = false;

  constructor(
    readonly columns: ColumnSpec[],
    private readonly rows: DuckDBValue[][],
  ) {}

  async next(): Promise<Chunk | null> {
    if (this.done || this.rows.length === 0) return null;
    this.done = true;
    return { values: this.columns.map((_, c) => this.rows.map((row) => row[c])), rowCount: this.rows.length };
  }
}

/**
 * Runs one statement on a connection as a DuckDB streaming query, so rows are
 * produced chunk by chunk (2048 rows each) as the client fetches them. DDL
 * answers no columns; DML answers `num_affected_rows`, as Databricks does.
 */
export async function streamStatement(connection: DuckDBConnection, sql: string): Promise<RowSource> {
  const result = await connection.stream(sql);
  if (result.returnType === ResultReturnType.QUERY_RESULT) {
    const columns = result.columnNames().map((name, i) => ({ name, type: result.columnType(i) }));
    return {
      columns,
      async next() {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return null;
        return { values: columns.map((_, i) => chunk.getColumnValues(i)), rowCount: chunk.rowCount };
      },
    };
  }
  if (result.returnType === ResultReturnType.CHANGED_ROWS) {
    const chunk = await result.fetchChunk();
    const count = chunk && chunk.rowCount > 0 ? chunk.getColumnValues(0)[0] : BigInt(result.rowsChanged);
    return new StaticSource([{ name: "num_affected_rows", type: BIGINT }], [[count]]);
  }
  return new StaticSource([], []);
}
