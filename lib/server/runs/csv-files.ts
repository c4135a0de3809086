import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "@/lib/action-result";
import { releaseNativeMemory } from "../native-memory";
import type { StoreBudget } from "./budget";
import {
  CSV_BYTES_FACTOR,
  CSV_RELEASE_BYTES,
  CSV_SEGMENTS_AHEAD,
  csvSegmentRows,
  FILE_WAIT_MS,
  fileKey,
} from "./csv-settings";
import { csvSegmentSql, resultTable } from "./store-sql";

/** What CSV downloads use of the result store: its connections, its budget and its directory of temporary files. */
export interface CsvStore {
  connect(): Promise<DuckDBConnection>;
  /** One statement, run again when DuckDB finds the store's memory taken (ResultStore.exec). */
  exec(sql: string): Promise<void>;
  budget: StoreBudget;
  tempDir: string;
}

/** Bytes a download adds around and in between its files' bytes. */
export interface FileBytes {
  transform: (chunk: Uint8Array) => Uint8Array;
  tail: () => Uint8Array | null;
}

/**
 * How a download's segments are written: DuckDB's SQL that writes rows
 * [from, to) of a stored table to a file (CSV by default), the files' bytes
 * as sent, and who is told of rows once their segment is sent.
 */
export interface SegmentFormat {
  sql: (table: string, from: number, to: number, file: string) => string;
  extension: string;
  bytes?: FileBytes;
  onRows?: (rows: number) => void;
  /** Bytes a row's text takes besides its values' (JSON repeats every column's name in every row). */
  rowOverhead?: number;
  /** Most rows of one segment, when fewer than the store's CSV segments (see VIEW_SEGMENT_ROWS). */
  segmentRows?: number;
}

const CSV_SEGMENTS: SegmentFormat = { sql: csvSegmentSql, extension: "csv" };

/**
 * A CSV download made of temporary files: the header, then each file `next`
 * gives, in order, until it gives null; each file is removed once sent
 * (`sent` is told). `end` runs once, however the download ends; a consumer
 * that stops reading first calls `stop` and waits for the read in progress.
 * Spent read buffers are collected now and then (see native-memory.ts).
 */
export function csvFileStream(
  header: string | Uint8Array,
  {
    next,
    sent,
    end,
    stop = () => {},
    bytes = { transform: (chunk) => chunk, tail: () => null },
  }: {
    next: () => Promise<string | null>;
    sent: (file: string) => void;
    end: () => Promise<void>;
    stop?: () => void;
    /** How the files' bytes become the download's (a JSON array is made of NDJSON files), and what ends it. */
    bytes?: FileBytes;
  },
): ReadableStream<Uint8Array> {
  let current: fs.ReadStream | null = null;
  let reader: AsyncIterator<Buffer> | null = null;
  let sinceRelease = 0;
  let ended: Promise<void> | null = null;
  let cancelled = false;
  let work: Promise<void> = Promise.resolve();
  const finish = () => {
    ended ??= (async () => {
      current?.destroy();
      await end();
    })();
    return ended;
  };
  const pull = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    try {
      for (;;) {
        if (!reader) {
          const file = await next();
          if (file === null) {
            await finish();
            const tail = bytes.tail();
            if (tail) controller.enqueue(tail);
            controller.close();
            return;
          }
          current = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
          current.on("close", () => {
            fs.rmSync(file, { force: true });
            sent(file);
          });
          reader = current[Symbol.asyncIterator]();
        }
        const { value, done } = await reader.next();
        if (!done) {
          sinceRelease += value.byteLength;
          if (sinceRelease >= CSV_RELEASE_BYTES) {
            sinceRelease = 0;
            releaseNativeMemory();
          }
          const out = bytes.transform(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          if (out.byteLength === 0) continue;
          controller.enqueue(out);
          return;
        }
        reader = null;
        current = null;
      }
    } catch (error) {
      await finish();
      if (!cancelled) controller.error(error);
    }
  };
  return new ReadableStream<Uint8Array>({
    start: (controller) => {
      controller.enqueue(typeof header === "string" ? new TextEncoder().encode(header) : header);
    },
    pull: (controller) => {
      work = pull(controller);
      return work;
    },
    cancel: async () => {
      cancelled = true;
      stop();
      await work.catch(() => {});
      await finish();
    },
  });
}

/**
 * The stored rows as CSV bytes, produced in segments by DuckDB's CSV writer
 * into temporary files. The next segments are written while the current one
 * streams out, and a consumer that stops reading stops the production.
 * The result is pinned meanwhile (never removed to free space), and each
 * file is charged to the budget's download files for `downloader`.
 */
export function storedCsv(
  store: CsvStore,
  runId: string,
  rowCount: number,
  header: string | Uint8Array,
  downloader: string,
  format: SegmentFormat = CSV_SEGMENTS,
): ReadableStream<Uint8Array> {
  const table = resultTable(runId);
  const rowsOf = new Map<string, number>();
  let next = 0;
  // Segments being written, in order; each resolves to its file.
  const ahead: Promise<string>[] = [];
  const files = new Set<string>();
  // Removed to free space between the caller's check and now: nothing left to read.
  if (!store.budget.pin(runId))
    throw new UserError("This result was just removed to free space. Run the query again.", "conflict");
  const held = store.budget.holding(runId);
  const rowBytes = (held && held.rows > 0 ? held.bytes / held.rows : 0) + (format.rowOverhead ?? 0) / CSV_BYTES_FACTOR;
  // A segment takes at most half of the room for download files, so two downloads can always go on.
  const maxRows = Math.max(1, Math.floor(store.budget.limits.files / 2 / (CSV_BYTES_FACTOR * Math.max(1, rowBytes))));
  const produce = async (from: number, to: number): Promise<string> => {
    const file = path.join(
      store.tempDir,
      `${runId}-${from}-${Math.random().toString(36).slice(2)}.${format.extension}`,
    );
    files.add(file);
    rowsOf.set(file, to - from);
    await chargeFile(store, file, downloader, CSV_BYTES_FACTOR * rowBytes * (to - from));
    // Two segments are written at once, beside other members' work: one that
    // finds the store's memory taken waits and is written again (exec).
    await store.exec(format.sql(table, from, to, file));
    fileWritten(store, file);
    return file;
  };
  const fill = () => {
    while (ahead.length < CSV_SEGMENTS_AHEAD && next < rowCount) {
      const from = next;
      next = Math.min(
        rowCount,
        from + Math.min(maxRows, format.segmentRows ?? maxRows, csvSegmentRows(from, rowCount)),
      );
      const segment = produce(from, next);
      segment.catch(() => {}); // Reported when awaited in pull; never an unhandled rejection.
      ahead.push(segment);
    }
  };
  return csvFileStream(header, {
    next: async () => {
      fill();
      const segment = ahead.shift();
      if (!segment) return null;
      const file = await segment;
      fill();
      return file;
    },
    sent: (file) => {
      files.delete(file);
      store.budget.release(fileKey(file));
      format.onRows?.(rowsOf.get(file) ?? 0);
      rowsOf.delete(file);
    },
    bytes: format.bytes,
    // Let in-flight segments finish before removing their files.
    end: async () => {
      await Promise.allSettled(ahead);
      for (const file of files) {
        fs.rmSync(file, { force: true });
        store.budget.release(fileKey(file));
      }
      store.budget.unpin(runId);
    },
  });
}

/**
 * Charges a download file before it is written, at `estimate` bytes (its
 * true size once written, see `fileWritten`). Files never remove results: a
 * file that finds no room waits for other downloads to free some, then fails.
 */
export async function chargeFile(store: CsvStore, file: string, downloader: string, estimate: number): Promise<void> {
  const key = fileKey(file);
  store.budget.open(key, downloader, { file: true });
  if (!(await store.budget.chargeFile(key, Math.ceil(estimate), FILE_WAIT_MS))) {
    store.budget.release(key);
    throw new UserError(
      "The server has no room for download files right now: other downloads are using it. Try again in a moment.",
      "busy",
    );
  }
}

export function fileWritten(store: CsvStore, file: string): void {
  const key = fileKey(file);
  const held = store.budget.holding(key);
  if (held) store.budget.forceCharge(key, fs.statSync(file).size - held.bytes);
}
