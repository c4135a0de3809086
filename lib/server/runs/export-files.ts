import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { UserError } from "@/lib/action-result";
import { retryOutOfMemory } from "../engines/duckdb/errors";
import { releaseNativeMemory } from "../native-memory";
import { chunkBytes } from "./chunk-bytes";
import { type CsvStore, chargeFile, csvFileStream, fileWritten } from "./csv-files";
import { FILE_WAIT_MS, fileKey } from "./csv-settings";
import { exportCopySql } from "./export-sql";
import { createTableSql, resultTable } from "./store-sql";

/**
 * A stored result as one Parquet file written by DuckDB's own writer (a
 * Parquet file's footer indexes all of it, so it cannot be cut in segments
 * like CSV), then streamed out and removed. The file is charged to the
 * download files' budget at the result's bytes before it is written (Parquet
 * compresses, so it is rarely more), then at its true size. The result is
 * pinned meanwhile; a download left during the COPY interrupts it.
 */
export function storedParquet(
  store: CsvStore,
  runId: string,
  select: string,
  downloader: string,
  onRows: (rows: number) => void,
  /** What to read instead of the whole stored table (a view of it), and its rows. */
  view?: { source: string; rows: number },
): ReadableStream<Uint8Array> {
  const table = view?.source ?? resultTable(runId);
  if (!store.budget.pin(runId))
    throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
  const held = store.budget.holding(runId);
  const estimate = Math.max(1 << 20, held?.bytes ?? 0);
  if (estimate > store.budget.limits.files) {
    store.budget.unpin(runId);
    throw new UserError(
      "This result is larger than the room this server keeps for download files, and a Parquet file is written whole before it is sent. Download it as CSV, TSV or NDJSON, which stream in pieces.",
      "busy",
    );
  }
  const file = path.join(store.tempDir, `${runId}-${Math.random().toString(36).slice(2)}.parquet`);
  let given = false;
  let stopped = false;
  let writer: DuckDBConnection | null = null;
  return csvFileStream(new Uint8Array(0), {
    next: async () => {
      if (given) return null;
      given = true;
      await chargeFile(store, file, downloader, estimate);
      await retryOutOfMemory(async () => {
        if (stopped) throw new UserError("The download was stopped.");
        writer = await store.connect();
        try {
          await writer.run(exportCopySql(`SELECT ${select} FROM ${table}`, file, "parquet"));
        } finally {
          writer.closeSync();
          writer = null;
        }
      });
      fileWritten(store, file);
      onRows(view?.rows ?? held?.rows ?? 0);
      return file;
    },
    sent: () => store.budget.release(fileKey(file)),
    stop: () => {
      stopped = true;
      writer?.interrupt();
    },
    end: async () => {
      fs.rmSync(file, { force: true });
      store.budget.release(fileKey(file));
      store.budget.unpin(runId);
    },
  });
}

/**
 * Every row of a re-run query as one Parquet file: the batches are appended
 * to a table of the store on disk (DuckDB spills past its memory limit), each
 * charged to the download files' room before it is appended, then DuckDB's
 * writer makes the file from it and the table is dropped; the file streams
 * out and is removed. Rows are counted as they are staged; bytes flow once
 * the file is written. `stop` stops the statement; `onEnd` runs once.
 */
export function parquetOfBatches(
  store: CsvStore,
  key: string,
  types: DuckDBType[],
  batches: AsyncIterable<DuckDBDataChunk>,
  select: (table: string) => string,
  {
    stop,
    onEnd,
    downloader,
    onRows,
  }: { stop: () => void; onEnd: () => void; downloader: string; onRows: (rows: number) => void },
): ReadableStream<Uint8Array> {
  const table = `p_${key}`;
  const tableKey = fileKey(path.join(store.tempDir, `${table}.table`));
  const file = path.join(store.tempDir, `${key}-all.parquet`);
  let given = false;
  let connection: DuckDBConnection | null = null;
  let stopped = false;
  return csvFileStream(new Uint8Array(0), {
    next: async () => {
      if (given) return null;
      given = true;
      connection = await store.connect();
      await connection.run(createTableSql(table, types.map(String)));
      store.budget.open(tableKey, downloader, { file: true });
      const appender = await connection.createAppender(table);
      let chunks = 0;
      try {
        for await (const chunk of batches) {
          if (stopped) throw new UserError("The download was stopped.");
          if (!(await store.budget.chargeFile(tableKey, chunkBytes(chunk, types), FILE_WAIT_MS))) {
            throw new UserError(
              "The server has no room for this Parquet file: every row of this result is more than the room it keeps for download files. Download every row as CSV, TSV or NDJSON, which stream in pieces.",
              "busy",
            );
          }
          appender.appendDataChunk(chunk);
          onRows(chunk.rowCount);
          if (++chunks % 16 === 0) releaseNativeMemory();
        }
      } finally {
        appender.closeSync();
      }
      const held = store.budget.holding(tableKey);
      await chargeFile(store, file, downloader, Math.max(1 << 20, held?.bytes ?? 0));
      await connection.run(exportCopySql(`SELECT ${select(table)} FROM ${table}`, file, "parquet"));
      fileWritten(store, file);
      await connection.run(`DROP TABLE ${table}`);
      store.budget.release(tableKey);
      return file;
    },
    sent: () => store.budget.release(fileKey(file)),
    stop: () => {
      stopped = true;
      stop();
      connection?.interrupt();
    },
    end: async () => {
      if (connection) {
        await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
        connection.closeSync();
      }
      fs.rmSync(file, { force: true });
      store.budget.release(tableKey);
      store.budget.release(fileKey(file));
      onEnd();
    },
  });
}
