import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "@/lib/action-result";
import { type CsvStore, chargeFile, csvFileStream, fileWritten } from "./csv-files";
import { fileKey } from "./csv-settings";
import { exportCopySql } from "./export-sql";
import { resultTable } from "./store-sql";

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
): ReadableStream<Uint8Array> {
  const table = resultTable(runId);
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
  let writer: DuckDBConnection | null = null;
  return csvFileStream(new Uint8Array(0), {
    next: async () => {
      if (given) return null;
      given = true;
      await chargeFile(store, file, downloader, estimate);
      writer = await store.connect();
      try {
        await writer.run(exportCopySql(`SELECT ${select} FROM ${table}`, file, "parquet"));
      } finally {
        writer.closeSync();
        writer = null;
      }
      fileWritten(store, file);
      onRows(held?.rows ?? 0);
      return file;
    },
    sent: () => store.budget.release(fileKey(file)),
    stop: () => writer?.interrupt(),
    end: async () => {
      fs.rmSync(file, { force: true });
      store.budget.release(fileKey(file));
      store.budget.unpin(runId);
    },
  });
}
