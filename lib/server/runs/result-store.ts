import "server-only";
import fs from "node:fs";
import path from "node:path";
import {
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
} from "@duckdb/node-api";
import type { Cell, Page, SortSpec } from "@/lib/results/types";
import { duckdbSettings } from "../engines/duckdb/warehouse";
import type { StoredColumn } from "../engines/types";
import { releaseNativeChunks } from "../native-memory";
import { cellSql, createTableSql, csvSegmentSql, pageSql, resultTable } from "./store-sql";

export interface StoreOptions {
  dir: string;
  memoryLimit: string;
  threads?: number;
}

export interface Caps {
  maxRows: number;
  maxBytes: number;
}

/** Longest text a page carries for one cell; longer values are fetched alone. */
export const PAGE_CLIP_CHARS = 4096;
/**
 * Rows per CSV segment (two DuckDB row groups): DuckDB writes one while the
 * previous one streams out. Smaller segments cost throughput; larger ones disk.
 */
const CSV_SEGMENT_ROWS = 2 * 122_880;

/**
 * Stored results of runs, in a DuckDB database of their own on disk: server
 * memory stays bounded by DuckDB's memory limit whatever the result size, and
 * pages, cells and downloads are read back from it, never by re-running SQL.
 */
export class ResultStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly tempDir: string,
  ) {}

  static async open(options: StoreOptions): Promise<ResultStore> {
    const tempDir = path.join(options.dir, "tmp");
    fs.rmSync(tempDir, { recursive: true, force: true });
    fs.mkdirSync(tempDir, { recursive: true });
    const instance = await DuckDBInstance.create(
      path.join(options.dir, "results.duckdb"),
      duckdbSettings(options.memoryLimit, path.join(tempDir, "spill"), options.threads),
    );
    return new ResultStore(instance, tempDir);
  }

  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async createWriter(runId: string, columns: StoredColumn[], caps: Caps): Promise<ResultWriter> {
    const connection = await this.instance.connect();
    const table = resultTable(runId);
    await connection.run(
      createTableSql(
        table,
        columns.map((c) => c.storageType.toString()),
      ),
    );
    const appender = await connection.createAppender(table);
    return new ResultWriter(
      connection,
      appender,
      caps,
      columns.map((c) => c.storageType.typeId),
    );
  }

  async page(
    runId: string,
    columnCount: number,
    window: { offset: number; limit: number },
    sort?: SortSpec | null,
  ): Promise<Page> {
    const sql = pageSql(resultTable(runId), columnCount, window, PAGE_CLIP_CHARS, sort);
    const rows = await this.read(sql);
    const clipped: string[] = [];
    const values = rows.map((row, r) =>
      row.slice(1).map((value, c) => {
        if (typeof value === "string" && value.length > PAGE_CLIP_CHARS) {
          clipped.push(`${r}:${c}`);
          return value.slice(0, PAGE_CLIP_CHARS);
        }
        return value as Cell;
      }),
    );
    return { offset: window.offset, rows: values, rowIds: rows.map((row) => Number(row[0])), clipped };
  }

  async cell(runId: string, rowId: number, column: number): Promise<Cell> {
    const rows = await this.read(cellSql(resultTable(runId), rowId, column));
    return rows.length === 0 ? null : (rows[0][0] as Cell);
  }

  /**
   * The stored rows as CSV bytes, produced in segments by DuckDB's CSV writer
   * into temporary files. The next segment is written while the current one
   * streams out, and a consumer that stops reading stops the production.
   */
  csv(runId: string, rowCount: number, header: string): ReadableStream<Uint8Array> {
    const table = resultTable(runId);
    const encoder = new TextEncoder();
    let next = 0;
    let pending: Promise<string | null> | null = null;
    let current: fs.ReadStream | null = null;
    let reader: AsyncIterator<Buffer> | null = null;
    const files = new Set<string>();
    const produce = async (): Promise<string | null> => {
      if (next >= rowCount) return null;
      const from = next;
      next = Math.min(rowCount, next + CSV_SEGMENT_ROWS);
      const file = path.join(this.tempDir, `${runId}-${from}-${Math.random().toString(36).slice(2)}.csv`);
      files.add(file);
      const connection = await this.instance.connect();
      try {
        await connection.run(csvSegmentSql(table, from, next, file));
      } finally {
        connection.closeSync();
      }
      return file;
    };
    const cleanup = () => {
      current?.destroy();
      for (const file of files) fs.rmSync(file, { force: true });
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(encoder.encode(header));
        pending = produce();
        pending.catch(() => {}); // Reported when awaited in pull; never an unhandled rejection.
      },
      pull: async (controller) => {
        try {
          for (;;) {
            if (!reader) {
              const file = await pending;
              if (!file) {
                cleanup();
                controller.close();
                return;
              }
              pending = produce();
              pending.catch(() => {});
              current = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
              current.on("close", () => {
                fs.rmSync(file, { force: true });
                files.delete(file);
              });
              reader = current[Symbol.asyncIterator]();
            }
            const { value, done } = await reader.next();
            if (!done) {
              controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
              return;
            }
            reader = null;
            current = null;
          }
        } catch (error) {
          cleanup();
          controller.error(error);
        }
      },
      cancel: () => {
        // Let an in-flight segment finish before removing its file.
        void Promise.resolve(pending).finally(cleanup);
      },
    });
  }

  async drop(runId: string): Promise<void> {
    await this.exec(`DROP TABLE IF EXISTS ${resultTable(runId)}`);
  }

  async exec(sql: string): Promise<void> {
    const connection = await this.instance.connect();
    try {
      await connection.run(sql);
    } finally {
      connection.closeSync();
    }
  }

  async read(sql: string): Promise<unknown[][]> {
    const connection = await this.instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRows() as unknown[][];
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/**
 * Appends a run's batches to its table. Rows become visible to readers at each
 * flush; the writer stops at the row or (estimated) byte cap.
 */
export class ResultWriter {
  rows = 0;
  bytes = 0;
  capped = false;
  private chunks = 0;
  private bytesPerRow = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
    private readonly caps: Caps,
    private readonly typeIds: DuckDBTypeId[],
  ) {}

  /** Appends a batch; returns false once a cap is reached (the batch may be cut). */
  append(chunk: DuckDBDataChunk): boolean {
    if (this.capped) return false;
    if (this.chunks % 64 === 0) this.bytesPerRow = estimateRowBytes(chunk, this.typeIds);
    const byRows = this.caps.maxRows - this.rows;
    const byBytes = Math.floor((this.caps.maxBytes - this.bytes) / Math.max(1, this.bytesPerRow));
    const room = Math.max(0, Math.min(byRows, byBytes));
    if (chunk.rowCount > room) {
      chunk.rowCount = room;
      this.capped = true;
    }
    if (chunk.rowCount > 0) this.appender.appendDataChunk(chunk);
    this.rows += chunk.rowCount;
    this.bytes += chunk.rowCount * this.bytesPerRow;
    this.chunks += 1;
    if (this.chunks % 16 === 0) releaseNativeChunks();
    return !this.capped;
  }

  flush(): void {
    this.appender.flushSync();
  }

  close(): void {
    try {
      this.appender.closeSync();
    } finally {
      this.connection.closeSync();
    }
  }
}

const FIXED_WIDTH: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.BOOLEAN]: 1,
  [DuckDBTypeId.TINYINT]: 1,
  [DuckDBTypeId.UTINYINT]: 1,
  [DuckDBTypeId.SMALLINT]: 2,
  [DuckDBTypeId.USMALLINT]: 2,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.UINTEGER]: 4,
  [DuckDBTypeId.FLOAT]: 4,
  [DuckDBTypeId.DATE]: 4,
  [DuckDBTypeId.ENUM]: 4,
  [DuckDBTypeId.HUGEINT]: 16,
  [DuckDBTypeId.UHUGEINT]: 16,
  [DuckDBTypeId.UUID]: 16,
  [DuckDBTypeId.INTERVAL]: 16,
};
const VARIABLE = new Set([DuckDBTypeId.VARCHAR, DuckDBTypeId.BLOB, DuckDBTypeId.BIT, DuckDBTypeId.BIGNUM]);

/** Approximate in-memory bytes per row of a batch, sampling string lengths. */
function estimateRowBytes(chunk: DuckDBDataChunk, typeIds: DuckDBTypeId[]): number {
  if (chunk.rowCount === 0) return 1;
  let total = 0;
  for (let c = 0; c < chunk.columnCount; c++) {
    const typeId = typeIds[c];
    const fixed = FIXED_WIDTH[typeId];
    if (fixed !== undefined) {
      total += fixed * chunk.rowCount;
    } else if (VARIABLE.has(typeId) || typeId >= DuckDBTypeId.LIST) {
      let length = 0;
      for (const value of chunk.getColumnValues(c)) length += value === null ? 0 : String(value).length + 4;
      total += VARIABLE.has(typeId) ? length : length + 8 * chunk.rowCount;
    } else {
      total += 8 * chunk.rowCount;
    }
  }
  return Math.max(1, Math.ceil(total / chunk.rowCount));
}
