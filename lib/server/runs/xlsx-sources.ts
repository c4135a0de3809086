import "server-only";
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { yieldToReads } from "../foreground";
import { releaseNativeMemory } from "../native-memory";
import { chunkBytes } from "./chunk-bytes";
import type { CsvStore } from "./csv-files";
import { Stage } from "./staging";

type Rows = (string | null)[][];

/** Rows of `sql` (every column as DuckDB's text), a data chunk at a time. */
async function* textChunks(connection: DuckDBConnection, sql: string): AsyncGenerator<Rows> {
  const result = await connection.stream(sql);
  let chunks = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk.getRows() as Rows;
    if (++chunks % 16 === 0) releaseNativeMemory();
  }
}

/** A stored result's rows for the XLSX writer, read in stored order on a connection of their own. */
export async function* storedTextRows(store: CsvStore, table: string, select: string): AsyncGenerator<Rows> {
  const connection = await store.connect();
  try {
    yield* textChunks(connection, `SELECT ${select} FROM ${table}`);
  } finally {
    connection.closeSync();
  }
}

/**
 * Rows streamed from an engine, for the XLSX writer: each stage of one row
 * group is appended to a table in memory (as a stored result's, staging.ts),
 * read back as DuckDB's text of each value, and dropped.
 */
export async function* stagedTextRows(
  store: CsvStore,
  key: string,
  types: DuckDBType[],
  batches: AsyncIterable<DuckDBDataChunk>,
  select: string,
): AsyncGenerator<Rows> {
  const maxStageBytes = Math.max(1, store.budget.limits.files / 8);
  const source = batches[Symbol.asyncIterator]();
  const stages = new Set<string>();
  const connection = await store.connect();
  try {
    for (let n = 0; ; n++) {
      const stage = await Stage.open(connection, `x_${key}`, n, types, stages);
      let exhausted = false;
      try {
        while (!stage.full(maxStageBytes)) {
          const { value, done } = await source.next();
          if (done) {
            exhausted = true;
            break;
          }
          await yieldToReads();
          stage.append(value, chunkBytes(value, types));
        }
      } finally {
        stage.close();
      }
      yield* textChunks(connection, `SELECT ${select} FROM ${stage.table}`);
      await connection.run(`DROP TABLE ${stage.table}`);
      stages.delete(stage.table);
      if (exhausted) return;
    }
  } finally {
    await source.return?.().catch(() => {});
    for (const stage of stages) await connection.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => {});
    connection.closeSync();
  }
}
