import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { yieldToReads } from "../foreground";
import { releaseNativeMemory } from "../native-memory";
import { chunkBytes } from "./chunk-bytes";
import { type CsvStore, chargeFile, csvFileStream, type FileBytes, fileWritten } from "./csv-files";
import { CSV_BYTES_FACTOR, CSV_SEGMENTS_AHEAD, fileKey } from "./csv-settings";
import { Stage } from "./staging";
import { csvCopySql } from "./store-sql";

/** How the stages of a full download are written: DuckDB's SQL writing a stage table to a file, and as the CSV path's `SegmentFormat`. */
export interface StageFormat {
  sql: (stage: string, file: string) => string;
  extension: string;
  bytes?: FileBytes;
  onRows?: (rows: number) => void;
  /** Bytes a row's text takes besides its values' (see SegmentFormat). */
  rowOverhead?: number;
}

const CSV_STAGES: StageFormat = {
  sql: (stage, file) => csvCopySql(`SELECT * FROM ${stage}`, file),
  extension: "csv",
};

/**
 * Rows streamed from an engine as CSV bytes, stored nowhere: each stage of
 * one row group is appended to a table in memory and written by DuckDB's
 * CSV writer (the same writer and options as a stored download) to a
 * temporary file, which is streamed out and removed. While one file streams,
 * the next stages are read from the engine and written (two ahead, as a
 * stored download's segments), so memory and disk stay at a few stages
 * whatever the size. A consumer that stops reading calls `stop` (which
 * should stop the engine); `onEnd` runs once, however the stream ends.
 */
export function csvOfBatches(
  store: CsvStore,
  key: string,
  types: DuckDBType[],
  batches: AsyncIterable<DuckDBDataChunk>,
  header: string,
  { stop, onEnd, downloader }: { stop: () => void; onEnd: () => void; downloader: string },
  format: StageFormat = CSV_STAGES,
): ReadableStream<Uint8Array> {
  const rowsOf = new Map<string, number>();
  const maxStageBytes = Math.max(1, store.budget.limits.files / 2 / CSV_BYTES_FACTOR);
  const source = batches[Symbol.asyncIterator]();
  const files = new Set<string>();
  const stages = new Set<string>();
  let appender: DuckDBConnection | null = null;
  /** Files of the next stages, in order, each resolving once written (null: no more rows). */
  const ahead: Promise<string | null>[] = [];
  /** Stages are read from the engine one after another. */
  let reading: Promise<unknown> = Promise.resolve();
  let stageCount = 0;
  let exhausted = false;
  let chunks = 0;
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await Promise.allSettled(ahead);
    for (const file of files) {
      fs.rmSync(file, { force: true });
      store.budget.release(fileKey(file));
    }
    await source.return?.().catch(() => {});
    if (appender) {
      for (const stage of stages) await appender.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => {});
      appender.closeSync();
    }
    onEnd();
  };
  /** Appends the next stage's rows from the engine; the stage, or null once there are no more rows. */
  const readStage = async (): Promise<{ table: string; file: string; bytes: number } | null> => {
    if (exhausted || ended) return null;
    const n = stageCount++;
    appender ??= await store.connect();
    const stage = await Stage.open(appender, `f_${key}`, n, types, stages);
    try {
      // A stage of very wide rows ends sooner, so that its file stays within reach of the budget.
      while (!stage.full(maxStageBytes)) {
        const { value, done } = await source.next();
        if (done) {
          exhausted = true;
          break;
        }
        await yieldToReads();
        stage.append(value, chunkBytes(value, types));
        if (++chunks % 16 === 0) releaseNativeMemory();
      }
    } finally {
      stage.close();
    }
    const { table } = stage;
    const bytes = stage.bytes + ((format.rowOverhead ?? 0) * stage.rows) / CSV_BYTES_FACTOR;
    if (stage.rows > 0) {
      const file = path.join(store.tempDir, `${key}-all-${n}.${format.extension}`);
      rowsOf.set(file, stage.rows);
      return { table, file, bytes };
    }
    await appender.run(`DROP TABLE ${table}`);
    stages.delete(table);
    return null;
  };
  /** Writes a stage as CSV on a connection of its own, so that reading the next stage goes on meanwhile. */
  const writeStage = async (stage: { table: string; file: string; bytes: number }): Promise<string> => {
    files.add(stage.file);
    await chargeFile(store, stage.file, downloader, CSV_BYTES_FACTOR * stage.bytes);
    const writer = await store.connect();
    try {
      await writer.run(format.sql(stage.table, stage.file));
      await writer.run(`DROP TABLE ${stage.table}`);
      stages.delete(stage.table);
    } finally {
      writer.closeSync();
    }
    fileWritten(store, stage.file);
    return stage.file;
  };
  const fill = () => {
    while (ahead.length < CSV_SEGMENTS_AHEAD && !exhausted && !ended) {
      const staged = reading.then(readStage);
      reading = staged.catch(() => {});
      const file = staged.then((stage) => (stage ? writeStage(stage) : null));
      file.catch(() => {}); // Reported where it is awaited.
      ahead.push(file);
    }
  };
  return csvFileStream(header, {
    next: async () => {
      fill();
      const file = (await ahead.shift()) ?? null;
      if (file !== null) fill();
      return file;
    },
    sent: (file) => {
      files.delete(file);
      store.budget.release(fileKey(file));
      format.onRows?.(rowsOf.get(file) ?? 0);
      rowsOf.delete(file);
    },
    bytes: format.bytes,
    end,
    stop,
  });
}
