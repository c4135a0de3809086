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
import { releaseNativeMemory } from "../native-memory";
import {
  cellSql,
  createTableSql,
  csvCopySql,
  csvSegmentSql,
  moveStageSql,
  pageSql,
  resultTable,
  STAGING,
  sortIndexesOfSql,
  sortIndexSql,
  sortIndexTable,
  stageTable,
} from "./store-sql";

export interface StoreOptions {
  dir: string;
  memoryLimit: string;
}

/**
 * One DuckDB thread per statement: the store's work is many statements at once
 * (two CSV segments per download, moves, pages of several users) rather than
 * one big one. With two threads per statement, two segment COPYs used 1.5x the
 * CPU for the same CSV (the threads contend under the memory limit), the
 * download of 10M rows took 3.9-5.9 s instead of 3.8-4.1 s, and peak memory was
 * ~45 MiB higher. Storing is as fast either way; building a sort index of 10M
 * rows takes 2.7 s instead of 1.4 s.
 */
const STORE_THREADS = 1;

export interface Caps {
  maxRows: number;
  maxBytes: number;
}

/** Longest text a page carries for one cell; longer values are fetched alone. */
export const PAGE_CLIP_CHARS = 4096;
/** Rows of a DuckDB row group. */
const ROW_GROUP = 122_880;
/**
 * A download is written by DuckDB's CSV writer in segments of whole row groups,
 * two at a time ahead of the one streaming out: under the store's memory limit
 * one COPY keeps about one thread busy, two keep both (10M rows: 8.6 s -> 5.2 s
 * in DuckDB alone) for ~30 MB more. A segment is at most four row groups
 * (fewer COPYs; four wrote 10M rows faster than two or one).
 */
const CSV_SEGMENT_ROWS = 4 * ROW_GROUP;
const CSV_SEGMENTS_AHEAD = 2;

/**
 * Rows of the segment that starts at `from`: one row group at the start (the
 * first bytes leave at once), growing to four, and shrinking again near the end
 * so that both COPYs finish together instead of one writing a long last
 * segment alone.
 */
function csvSegmentRows(from: number, rowCount: number): number {
  const groups = Math.floor(Math.min(from, (rowCount - from) / (2 * CSV_SEGMENTS_AHEAD)) / ROW_GROUP);
  return Math.min(CSV_SEGMENT_ROWS, Math.max(1, groups) * ROW_GROUP);
}
/** Bytes streamed between collections of the spent read buffers (see native-memory.ts). */
const CSV_RELEASE_BYTES = 8 * 1024 * 1024;

/**
 * A CSV download made of temporary files: the header, then each file `next`
 * gives, in order, until it gives null; each file is removed once sent
 * (`sent` is told). `end` runs once, however the download ends; a consumer
 * that stops reading first calls `stop` and waits for the read in progress.
 * Spent read buffers are collected now and then (see native-memory.ts).
 */
function csvFileStream(
  header: string,
  {
    next,
    sent,
    end,
    stop = () => {},
  }: {
    next: () => Promise<string | null>;
    sent: (file: string) => void;
    end: () => Promise<void>;
    stop?: () => void;
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
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
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
      controller.enqueue(new TextEncoder().encode(header));
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
 * Stored results of runs, in a DuckDB database of their own on disk: server
 * memory stays bounded by DuckDB's memory limit whatever the result size, and
 * pages, cells and downloads are read back from it, never by re-running SQL.
 */
export class ResultStore {
  /** Sort indexes built or being built, by table name. */
  private readonly sortIndexes = new Map<string, Promise<void>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly tempDir: string,
  ) {}

  static async open(options: StoreOptions): Promise<ResultStore> {
    const tempDir = path.join(options.dir, "tmp");
    fs.rmSync(tempDir, { recursive: true, force: true });
    fs.mkdirSync(tempDir, { recursive: true });
    const instance = await DuckDBInstance.create(path.join(options.dir, "results.duckdb"), {
      ...duckdbSettings(options.memoryLimit, path.join(tempDir, "spill"), STORE_THREADS),
      // Only this server reads the file, with this DuckDB: write it in the newest
      // format instead of the one older versions can read. Its compression
      // (dictionary with FSST) stores a result with less CPU (1M rows: 0.39 s ->
      // 0.36 s; 10M rows: 5.1 -> 4.6 CPU-seconds in DuckDB alone, same size).
      // A file made before keeps its format.
      storage_compatibility_version: "latest",
    });
    // Stages of results being written (see ResultWriter); never on disk.
    const setup = await instance.connect();
    try {
      await setup.run(`ATTACH ':memory:' AS ${STAGING}`);
    } finally {
      setup.closeSync();
    }
    return new ResultStore(instance, tempDir);
  }

  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async createWriter(
    runId: string,
    columns: StoredColumn[],
    caps: Caps,
    onVisible: () => void = () => {},
  ): Promise<ResultWriter> {
    const table = resultTable(runId);
    const storageTypes = columns.map((c) => c.storageType.toString());
    const writer = await this.instance.connect();
    let mover: DuckDBConnection | null = null;
    try {
      mover = await this.instance.connect();
      await writer.run(createTableSql(table, storageTypes));
    } catch (error) {
      writer.closeSync();
      mover?.closeSync();
      throw error;
    }
    const typeIds = columns.map((c) => c.storageType.typeId);
    return new ResultWriter(writer, mover, table, storageTypes, caps, typeIds, onVisible);
  }

  async page(
    runId: string,
    columnCount: number,
    window: { offset: number; limit: number },
    sort?: SortSpec | null,
  ): Promise<Page> {
    const index = sort ? await this.sortIndex(runId, sort) : null;
    const sql = pageSql(resultTable(runId), columnCount, window, PAGE_CLIP_CHARS, index);
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
   * into temporary files. The next segments are written while the current one
   * streams out, and a consumer that stops reading stops the production.
   */
  csv(runId: string, rowCount: number, header: string): ReadableStream<Uint8Array> {
    const table = resultTable(runId);
    let next = 0;
    // Segments being written, in order; each resolves to its file.
    const ahead: Promise<string>[] = [];
    const files = new Set<string>();
    const produce = async (from: number, to: number): Promise<string> => {
      const file = path.join(this.tempDir, `${runId}-${from}-${Math.random().toString(36).slice(2)}.csv`);
      files.add(file);
      const connection = await this.instance.connect();
      try {
        await connection.run(csvSegmentSql(table, from, to, file));
      } finally {
        connection.closeSync();
      }
      return file;
    };
    const fill = () => {
      while (ahead.length < CSV_SEGMENTS_AHEAD && next < rowCount) {
        const from = next;
        next = Math.min(rowCount, from + csvSegmentRows(from, rowCount));
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
      sent: (file) => files.delete(file),
      // Let in-flight segments finish before removing their files.
      end: async () => {
        await Promise.allSettled(ahead);
        for (const file of files) fs.rmSync(file, { force: true });
      },
    });
  }

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
  csvOfBatches(
    key: string,
    storageTypes: string[],
    batches: AsyncIterable<DuckDBDataChunk>,
    header: string,
    { stop, onEnd }: { stop: () => void; onEnd: () => void },
  ): ReadableStream<Uint8Array> {
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
      for (const file of files) fs.rmSync(file, { force: true });
      await source.return?.().catch(() => {});
      if (appender) {
        for (const stage of stages) await appender.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => {});
        appender.closeSync();
      }
      onEnd();
    };
    /** Appends the next stage's rows from the engine; the stage, or null once there are no more rows. */
    const readStage = async (): Promise<{ table: string; file: string } | null> => {
      if (exhausted || ended) return null;
      const n = stageCount++;
      const stage = stageTable(`f_${key}`, n);
      appender ??= await this.instance.connect();
      stages.add(stage.qualified);
      await appender.run(createTableSql(stage.qualified, storageTypes));
      const append = await appender.createAppender(stage.name, "main", stage.catalog);
      let rows = 0;
      try {
        while (rows < ROW_GROUP) {
          const { value, done } = await source.next();
          if (done) {
            exhausted = true;
            break;
          }
          append.appendDataChunk(value);
          rows += value.rowCount;
          if (++chunks % 16 === 0) releaseNativeMemory();
        }
      } finally {
        append.closeSync();
      }
      if (rows > 0) return { table: stage.qualified, file: path.join(this.tempDir, `${key}-all-${n}.csv`) };
      await appender.run(`DROP TABLE ${stage.qualified}`);
      stages.delete(stage.qualified);
      return null;
    };
    /** Writes a stage as CSV on a connection of its own, so that reading the next stage goes on meanwhile. */
    const writeStage = async (stage: { table: string; file: string }): Promise<string> => {
      files.add(stage.file);
      const writer = await this.instance.connect();
      try {
        await writer.run(csvCopySql(`SELECT * FROM ${stage.table}`, stage.file));
        await writer.run(`DROP TABLE ${stage.table}`);
        stages.delete(stage.table);
      } finally {
        writer.closeSync();
      }
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
      sent: (file) => files.delete(file),
      end,
      stop,
    });
  }

  /**
   * The run's rows sorted once, on the first sorted page: later pages of that
   * sort are rowid ranges (a full sort per page took seconds at 10M rows).
   * Concurrent requests wait for the same build.
   */
  private async sortIndex(runId: string, sort: SortSpec): Promise<string> {
    const index = sortIndexTable(runId, sort);
    let building = this.sortIndexes.get(index);
    if (!building) {
      building = this.exec(sortIndexSql(resultTable(runId), index, sort));
      this.sortIndexes.set(index, building);
      building.catch(() => this.sortIndexes.delete(index));
    }
    await building;
    return index;
  }

  async drop(runId: string): Promise<void> {
    for (const [name] of await this.read(sortIndexesOfSql(runId))) {
      const index = String(name);
      if (!/^o_[0-9a-f]{32}_\d+_[ad]$/.test(index)) continue;
      this.sortIndexes.delete(index);
      await this.exec(`DROP TABLE IF EXISTS ${index}`);
    }
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
 * Rows a stage collects before DuckDB moves it into the stored table: one row
 * group. The last move runs after the final batch, so a smaller stage ends a
 * run sooner (1M rows: 0.39 s -> 0.37 s in DuckDB alone; no change at 10M) and
 * holds half the rows of wide results in memory.
 */
const STAGE_ROWS = ROW_GROUP;
/** Appended rows become readable at least this often while a run streams. */
const MOVE_INTERVAL_MS = 400;

interface Stage {
  table: string;
  appender: DuckDBAppender;
  rows: number;
}

/**
 * Appends a run's batches to its table, in two steps so that the JavaScript
 * thread does only the cheap one: batches go to a staging table in memory,
 * and DuckDB moves each stage into the stored table with `INSERT … SELECT` on
 * its own threads (compressing and writing to disk) while the next stage
 * fills. One move runs at a time, so rows keep their order and at most two
 * stages are in memory. Rows are readable once their move has committed:
 * `visibleRows` counts them, and `onVisible` is called after each move. The
 * first batch is moved at once, for a quick first page. The writer stops at
 * the row or (estimated) byte cap.
 */
export class ResultWriter {
  /** Rows accepted (staged or stored). */
  rows = 0;
  /** Rows stored and readable by pages and downloads. */
  visibleRows = 0;
  bytes = 0;
  capped = false;
  private chunks = 0;
  private bytesPerRow = 0;
  private stages = 0;
  private stage: Stage | null = null;
  private moving: Promise<void> | null = null;
  private movedAt = 0;
  private failure: { error: unknown } | null = null;
  /** Stage tables not yet moved and dropped, for cleanup after a failure. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly writer: DuckDBConnection,
    private readonly mover: DuckDBConnection,
    private readonly table: string,
    private readonly storageTypes: string[],
    private readonly caps: Caps,
    private readonly typeIds: DuckDBTypeId[],
    private readonly onVisible: () => void,
  ) {}

  /** Appends a batch; resolves false once a cap is reached (the batch may be cut). */
  async append(chunk: DuckDBDataChunk): Promise<boolean> {
    if (this.failure) throw this.failure.error;
    if (this.capped) return false;
    if (this.chunks % 64 === 0) this.bytesPerRow = estimateRowBytes(chunk, this.typeIds);
    const byRows = this.caps.maxRows - this.rows;
    const byBytes = Math.floor((this.caps.maxBytes - this.bytes) / Math.max(1, this.bytesPerRow));
    const room = Math.max(0, Math.min(byRows, byBytes));
    if (chunk.rowCount > room) {
      chunk.rowCount = room;
      this.capped = true;
    }
    if (chunk.rowCount > 0) {
      this.stage ??= await this.openStage();
      this.stage.appender.appendDataChunk(chunk);
      this.stage.rows += chunk.rowCount;
    }
    this.rows += chunk.rowCount;
    this.bytes += chunk.rowCount * this.bytesPerRow;
    this.chunks += 1;
    if (this.chunks % 16 === 0) releaseNativeMemory();
    const rows = this.stage?.rows ?? 0;
    const due = this.moving === null && performance.now() - this.movedAt >= MOVE_INTERVAL_MS;
    if (rows >= STAGE_ROWS || (rows > 0 && (due || this.visibleRows === 0))) await this.move();
    return !this.capped;
  }

  /** Moves everything staged into the stored table and waits until it is readable. */
  async finish(): Promise<void> {
    await this.move();
    await this.moving;
    if (this.failure) throw this.failure.error;
  }

  /** Drops stages left behind by a failure or cancel; the stored rows stay. */
  async close(): Promise<void> {
    try {
      await this.moving;
      this.stage?.appender.closeSync();
      this.stage = null;
      for (const table of this.pending) await this.writer.run(`DROP TABLE IF EXISTS ${table}`);
    } finally {
      this.writer.closeSync();
      this.mover.closeSync();
    }
  }

  private async openStage(): Promise<Stage> {
    const stage = stageTable(this.table, this.stages++);
    await this.writer.run(createTableSql(stage.qualified, this.storageTypes));
    this.pending.add(stage.qualified);
    const appender = await this.writer.createAppender(stage.name, "main", stage.catalog);
    return { table: stage.qualified, appender, rows: 0 };
  }

  /** Starts moving the current stage once the previous move is done (one at a time keeps the order). */
  private async move(): Promise<void> {
    const stage = this.stage;
    if (!stage) return;
    this.stage = null;
    stage.appender.closeSync();
    await this.moving;
    if (this.failure) throw this.failure.error;
    this.moving = this.mover.run(moveStageSql(stage.table, this.table)).then(
      () => {
        this.pending.delete(stage.table);
        this.visibleRows += stage.rows;
        this.movedAt = performance.now();
        this.moving = null;
        this.onVisible();
      },
      (error: unknown) => {
        this.failure = { error };
        this.moving = null;
      },
    );
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
