import "server-only";
import fs from "node:fs";
import path from "node:path";
import { type DuckDBConnection, type DuckDBDataChunk, DuckDBInstance, type DuckDBType } from "@duckdb/node-api";
import { UserError } from "@/lib/action-result";
import type { Cell, Page, SortSpec } from "@/lib/results/types";
import { duckdbSettings } from "../engines/duckdb/warehouse";
import type { StoredColumn } from "../engines/types";
import { releaseNativeMemory } from "../native-memory";
import { type BudgetLimits, StoreBudget } from "./budget";
import { chunkBytes } from "./chunk-bytes";
import {
  closeLedgerRow,
  LEDGER_SQL,
  measureResult,
  openLedgerRow,
  readLedger,
  removedForSpace,
  setLedgerBytes,
  sortIndexBytes,
} from "./ledger";
import { type Caps, type Cut, ResultWriter, ROW_GROUP } from "./result-writer";
import {
  cellSql,
  createTableSql,
  csvCopySql,
  csvSegmentSql,
  pageSql,
  resultTable,
  STAGING,
  sortIndexesOfSql,
  sortIndexSql,
  sortIndexTable,
  stageTable,
} from "./store-sql";

export type { Caps, Cut } from "./result-writer";
export { ResultWriter } from "./result-writer";

export interface StoreOptions {
  dir: string;
  memoryLimit: string;
  budget: BudgetLimits;
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

/** Longest text a page carries for one cell; longer values are fetched alone. */
export const PAGE_CLIP_CHARS = 4096;
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
/**
 * A download file is charged at this many times the bytes of its rows before
 * it is written (CSV text of a value takes at most about 3x its bytes, a
 * blob's \x escapes 4x), then at its true size.
 */
const CSV_BYTES_FACTOR = 4;
/** How long a download file waits for room before the download fails. */
const FILE_WAIT_MS = 30_000;

function fileKey(file: string): string {
  return `file:${file}`;
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
  /** Stored results the storage budget cut short. */
  private readonly cutByBudget = new Set<string>();
  private reclaiming: Promise<void> | null = null;
  private reclaimAgain = false;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly tempDir: string,
    /** What the store holds against its budget (see budget.ts). */
    readonly budget: StoreBudget,
    /** Results stored before the ledger knew them, or whose writer never finished: see `measure`. */
    readonly unmeasured: string[],
  ) {}

  static async open(options: StoreOptions): Promise<ResultStore> {
    const tempDir = path.join(options.dir, "tmp");
    fs.rmSync(tempDir, { recursive: true, force: true });
    fs.mkdirSync(tempDir, { recursive: true });
    const { results, files } = options.budget;
    const instance = await DuckDBInstance.create(path.join(options.dir, "results.duckdb"), {
      ...duckdbSettings(options.memoryLimit, path.join(tempDir, "spill"), STORE_THREADS),
      // Only this server reads the file, with this DuckDB: write it in the newest
      // format instead of the one older versions can read. Its compression
      // (dictionary with FSST) stores a result with less CPU (1M rows: 0.39 s ->
      // 0.36 s; 10M rows: 5.1 -> 4.6 CPU-seconds in DuckDB alone, same size).
      // A file made before keeps its format.
      storage_compatibility_version: "latest",
      // Small results wait in the WAL until a checkpoint: with a small budget,
      // checkpoint sooner than DuckDB's 16 MB so the WAL stays a small part of it.
      checkpoint_threshold: `${Math.max(256, Math.min(16_000, Math.floor(results / 16 / 1000)))}KB`,
      // Spill (large sorts) is bounded apart from the budget: DuckDB's default is 90% of the free disk.
      max_temp_directory_size: `${Math.max(1000, Math.floor((results + files) / 4 / 1e6))}MB`,
    });
    const setup = await instance.connect();
    try {
      // Stages of results being written (see ResultWriter); never on disk.
      await setup.run(`ATTACH ':memory:' AS ${STAGING}`);
      await setup.run(LEDGER_SQL);
      const budget = new StoreBudget(options.budget);
      const ledger = await readLedger(setup);
      const store = new ResultStore(instance, tempDir, budget, ledger.unmeasured);
      for (const row of ledger.rows) {
        budget.open(row.runId, row.owner, { bytes: row.bytes, rows: row.rows, usedAt: row.usedAt });
        if (row.cut === "budget") store.cutByBudget.add(row.runId);
      }
      return store;
    } finally {
      setup.closeSync();
    }
  }

  /**
   * Measures a result the ledger does not know (stored by an earlier version,
   * or cut off by a crash while written) and holds it for `owner`.
   */
  async measure(runId: string, owner: string): Promise<void> {
    const connection = await this.instance.connect();
    try {
      const row = await measureResult(connection, runId, resultTable(runId), owner);
      this.budget.open(runId, owner, { bytes: row.bytes, rows: row.rows });
    } finally {
      connection.closeSync();
    }
  }

  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** A writer for a run's result, held for `owner` in the budget and pinned while it writes. */
  async createWriter(
    runId: string,
    owner: string,
    columns: StoredColumn[],
    caps: Caps,
    onVisible: () => void = () => {},
  ): Promise<ResultWriter> {
    const table = resultTable(runId);
    const types = columns.map((c) => c.storageType);
    this.budget.open(runId, owner, { pinned: true });
    const writer = await this.instance.connect();
    let mover: DuckDBConnection | null = null;
    try {
      mover = await this.instance.connect();
      await openLedgerRow(writer, runId, owner, 0);
      await writer.run(createTableSql(table, types.map(String)));
      const budget = {
        ledger: this.budget,
        key: runId,
        settled: (cut: Cut | null) => {
          if (cut === "budget") this.cutByBudget.add(runId);
        },
      };
      const stored = new ResultWriter(writer, mover, table, types, caps, budget, onVisible);
      return stored;
    } catch (error) {
      this.budget.release(runId);
      writer.closeSync();
      mover?.closeSync();
      throw error;
    }
  }

  /** Whether the storage budget cut this run's stored result short. */
  cutShortByBudget(runId: string): boolean {
    return this.cutByBudget.has(runId);
  }

  /** Of these runs, those whose results were removed to free space (the rest expired). */
  async removedForSpace(runIds: string[]): Promise<Set<string>> {
    const connection = await this.instance.connect();
    try {
      return await removedForSpace(connection, runIds);
    } finally {
      connection.closeSync();
    }
  }

  async page(
    runId: string,
    columnCount: number,
    window: { offset: number; limit: number },
    sort?: SortSpec | null,
  ): Promise<Page> {
    this.budget.touch(runId);
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
    this.budget.touch(runId);
    const rows = await this.read(cellSql(resultTable(runId), rowId, column));
    return rows.length === 0 ? null : (rows[0][0] as Cell);
  }

  /**
   * The stored rows as CSV bytes, produced in segments by DuckDB's CSV writer
   * into temporary files. The next segments are written while the current one
   * streams out, and a consumer that stops reading stops the production.
   * The result is pinned meanwhile (never removed to free space), and each
   * file is charged to the budget's download files for `downloader`.
   */
  csv(runId: string, rowCount: number, header: string, downloader: string): ReadableStream<Uint8Array> {
    const table = resultTable(runId);
    let next = 0;
    // Segments being written, in order; each resolves to its file.
    const ahead: Promise<string>[] = [];
    const files = new Set<string>();
    // Removed to free space between the caller's check and now: nothing left to read.
    if (!this.budget.pin(runId))
      throw new UserError("This result was just removed to free space. Run the query again.");
    const held = this.budget.holding(runId);
    const rowBytes = held && held.rows > 0 ? held.bytes / held.rows : 0;
    // A segment takes at most half of the room for download files, so two downloads can always go on.
    const maxRows = Math.max(1, Math.floor(this.budget.limits.files / 2 / (CSV_BYTES_FACTOR * Math.max(1, rowBytes))));
    const produce = async (from: number, to: number): Promise<string> => {
      const file = path.join(this.tempDir, `${runId}-${from}-${Math.random().toString(36).slice(2)}.csv`);
      files.add(file);
      await this.chargeFile(file, downloader, CSV_BYTES_FACTOR * rowBytes * (to - from));
      const connection = await this.instance.connect();
      try {
        await connection.run(csvSegmentSql(table, from, to, file));
      } finally {
        connection.closeSync();
      }
      this.fileWritten(file);
      return file;
    };
    const fill = () => {
      while (ahead.length < CSV_SEGMENTS_AHEAD && next < rowCount) {
        const from = next;
        next = Math.min(rowCount, from + Math.min(maxRows, csvSegmentRows(from, rowCount)));
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
        this.budget.release(fileKey(file));
      },
      // Let in-flight segments finish before removing their files.
      end: async () => {
        await Promise.allSettled(ahead);
        for (const file of files) {
          fs.rmSync(file, { force: true });
          this.budget.release(fileKey(file));
        }
        this.budget.unpin(runId);
      },
    });
  }

  /**
   * Charges a download file before it is written, at `estimate` bytes (its
   * true size once written, see `fileWritten`). Files never remove results: a
   * file that finds no room waits for other downloads to free some, then fails.
   */
  private async chargeFile(file: string, downloader: string, estimate: number): Promise<void> {
    const key = fileKey(file);
    this.budget.open(key, downloader, { file: true });
    if (!(await this.budget.chargeFile(key, Math.ceil(estimate), FILE_WAIT_MS))) {
      this.budget.release(key);
      throw new UserError(
        "The server has no room for download files right now: other downloads are using it. Try again in a moment.",
      );
    }
  }

  private fileWritten(file: string): void {
    const key = fileKey(file);
    const held = this.budget.holding(key);
    if (held) this.budget.forceCharge(key, fs.statSync(file).size - held.bytes);
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
    types: DuckDBType[],
    batches: AsyncIterable<DuckDBDataChunk>,
    header: string,
    { stop, onEnd, downloader }: { stop: () => void; onEnd: () => void; downloader: string },
  ): ReadableStream<Uint8Array> {
    const storageTypes = types.map(String);
    const maxStageBytes = Math.max(1, this.budget.limits.files / 2 / CSV_BYTES_FACTOR);
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
        this.budget.release(fileKey(file));
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
      const stage = stageTable(`f_${key}`, n);
      appender ??= await this.instance.connect();
      stages.add(stage.qualified);
      await appender.run(createTableSql(stage.qualified, storageTypes));
      const append = await appender.createAppender(stage.name, "main", stage.catalog);
      let rows = 0;
      let bytes = 0;
      try {
        // A stage of very wide rows ends sooner, so that its file stays within reach of the budget.
        while (rows < ROW_GROUP && bytes < maxStageBytes) {
          const { value, done } = await source.next();
          if (done) {
            exhausted = true;
            break;
          }
          append.appendDataChunk(value);
          rows += value.rowCount;
          bytes += chunkBytes(value, types);
          if (++chunks % 16 === 0) releaseNativeMemory();
        }
      } finally {
        append.closeSync();
      }
      if (rows > 0) return { table: stage.qualified, file: path.join(this.tempDir, `${key}-all-${n}.csv`), bytes };
      await appender.run(`DROP TABLE ${stage.qualified}`);
      stages.delete(stage.qualified);
      return null;
    };
    /** Writes a stage as CSV on a connection of its own, so that reading the next stage goes on meanwhile. */
    const writeStage = async (stage: { table: string; file: string; bytes: number }): Promise<string> => {
      files.add(stage.file);
      await this.chargeFile(stage.file, downloader, CSV_BYTES_FACTOR * stage.bytes);
      const writer = await this.instance.connect();
      try {
        await writer.run(csvCopySql(`SELECT * FROM ${stage.table}`, stage.file));
        await writer.run(`DROP TABLE ${stage.table}`);
        stages.delete(stage.table);
      } finally {
        writer.closeSync();
      }
      this.fileWritten(stage.file);
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
        this.budget.release(fileKey(file));
      },
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
      building = this.buildSortIndex(runId, index, sort);
      this.sortIndexes.set(index, building);
      building.catch(() => this.sortIndexes.delete(index));
    }
    await building;
    return index;
  }

  /** A sort index is charged to the result it sorts (and so to its owner), with the result pinned meanwhile. */
  private async buildSortIndex(runId: string, index: string, sort: SortSpec): Promise<void> {
    const build = sortIndexSql(resultTable(runId), index, sort);
    const held = this.budget.holding(runId);
    const [[exists]] = await this.read(
      `SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() AND table_name = '${index}'`,
    );
    if (!held || exists) return this.exec(build);
    const bytes = sortIndexBytes(held.rows);
    this.budget.pin(runId);
    try {
      if (!(await this.budget.charge(runId, bytes))) {
        throw new UserError(
          "There is no room left in the result store to sort this result. Sort it in the query (ORDER BY) and run it again.",
        );
      }
      try {
        await this.exec(build);
      } catch (error) {
        this.budget.forceCharge(runId, -bytes);
        throw error;
      }
      const connection = await this.instance.connect();
      try {
        await setLedgerBytes(connection, runId, this.budget.holding(runId)?.bytes ?? 0);
      } finally {
        connection.closeSync();
      }
    } finally {
      this.budget.unpin(runId);
    }
  }

  /** Removes a run's stored rows and sort indexes; `space`: to free space (the run will say so). */
  async remove(runId: string, reason: "space" | "expired"): Promise<void> {
    for (const [name] of await this.read(sortIndexesOfSql(runId))) {
      const index = String(name);
      if (!/^o_[0-9a-f]{32}_\d+_[ad]$/.test(index)) continue;
      this.sortIndexes.delete(index);
      await this.exec(`DROP TABLE IF EXISTS ${index}`);
    }
    await this.exec(`DROP TABLE IF EXISTS ${resultTable(runId)}`);
    const connection = await this.instance.connect();
    try {
      await closeLedgerRow(connection, runId, reason);
    } finally {
      connection.closeSync();
    }
    this.budget.release(runId);
    this.cutByBudget.delete(runId);
    this.reclaim();
  }

  async drop(runId: string): Promise<void> {
    await this.remove(runId, "expired");
  }

  /**
   * Lets DuckDB reuse the blocks of dropped tables. Dropped blocks are free
   * only after a checkpoint, and DuckDB skips its own while the WAL is small
   * (a DROP writes little): without this the file grew by every result ever
   * stored. DuckDB refuses a CHECKPOINT while another transaction is open, so
   * it is retried, with a growing pause, until one gets through.
   */
  reclaim(): void {
    if (this.reclaiming) {
      this.reclaimAgain = true;
      return;
    }
    this.reclaiming = (async () => {
      let pause = 10;
      do {
        this.reclaimAgain = false;
        while (!this.closed) {
          try {
            await this.exec("CHECKPOINT");
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, pause).unref());
            pause = Math.min(pause * 2, 500);
          }
        }
      } while (this.reclaimAgain && !this.closed);
    })().finally(() => {
      this.reclaiming = null;
    });
  }

  /** Resolves once the blocks of removed results can be reused (see `reclaim`), or after `timeoutMs`. */
  async reclaimed(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.reclaiming && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        if (Number.isFinite(timeoutMs)) timer = setTimeout(resolve, deadline - Date.now());
      });
      await Promise.race([this.reclaiming, timeout]);
      clearTimeout(timer);
    }
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
    this.closed = true;
    this.instance.closeSync();
  }
}
