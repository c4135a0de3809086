import "server-only";
import fs from "node:fs";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { LRUCache } from "lru-cache";
import { isFiltered, type ResultFilter } from "@/lib/results/filters";
import type { ColumnProfile } from "@/lib/results/profile";
import type { Cell, Page, SortSpec } from "@/lib/results/types";
import { retryOutOfMemory } from "../engines/duckdb/errors";
import { duckdbSettings } from "../engines/duckdb/warehouse";
import type { StoredColumn } from "../engines/types";
import { type BudgetLimits, StoreBudget } from "./budget";
import { type CsvStore, storedCsv } from "./csv-files";
import { closeLedgerRow, LEDGER_SQL, measureResult, openLedgerRow, readLedger, removedForSpace } from "./ledger";
import { Profiles } from "./profiles";
import { Reclaimer } from "./reclaim";
import { type Caps, type Cut, ResultWriter } from "./result-writer";
import { cellSql, createTableSql, pageSql, resultTable, STAGING, sortIndexesOfSql } from "./store-sql";
import { type View, ViewIndexes } from "./view-indexes";
import { VIEW_INDEX_NAME, viewPageSql } from "./view-sql";

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

/** Idle read connections kept (see `read`); more reads at once open more, closed after. */
const KEPT_READERS = 4;

/**
 * Stored results of runs, in a DuckDB database of their own on disk: server
 * memory stays bounded by DuckDB's memory limit whatever the result size, and
 * pages, cells and downloads are read back from it, never by re-running SQL.
 */
export class ResultStore {
  /** Sort indexes built or being built. */
  private readonly viewIndexes = new ViewIndexes(this);
  /** Column types of stored results, as read from the catalog. */
  private readonly types = new LRUCache<string, string[]>({ max: 1024 });
  /** Column profiles computed so far. */
  private readonly profiles = new Profiles(this);
  /** Stored results the storage budget cut short. */
  private readonly cutByBudget = new Set<string>();
  private readonly reclaimer = new Reclaimer((sql) => this.exec(sql));

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
      // Pages, filters and exports go by the table's own types: read them now, not on the first page.
      this.types.set(runId, await tableTypes(writer, table));
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

  /**
   * A page of the result, or of a view of it (sorted, filtered). A filtered
   * page says how many rows the view has (`total`) once its index is built;
   * until then the page is read straight from the result, which DuckDB stops
   * reading once it has the page, and its index is built in the background.
   */
  async page(
    runId: string,
    window: { offset: number; limit: number },
    sort?: SortSpec | null,
    filter?: ResultFilter | null,
  ): Promise<Page> {
    this.budget.touch(runId);
    const types = await this.columnTypes(runId);
    if (isFiltered(filter)) return this.filteredPage(runId, types, window, sort ?? null, filter);
    const index = sort ? await this.viewIndexes.of(runId, sort) : null;
    return this.pageFrom(await this.read(pageSql(resultTable(runId), types, window, PAGE_CLIP_CHARS, index)), window);
  }

  private async filteredPage(
    runId: string,
    types: readonly string[],
    window: { offset: number; limit: number },
    sort: SortSpec | null,
    filter: ResultFilter,
  ): Promise<Page> {
    if (this.viewIndexes.ready(runId, filter, sort) || window.offset > 0) {
      const { index, rows } = await this.viewIndexes.view(runId, filter, sort);
      const sql = pageSql(resultTable(runId), types, window, PAGE_CLIP_CHARS, index);
      return { ...this.pageFrom(await this.read(sql), window), total: rows };
    }
    // The first page at once, then the index (the count, every later page) is
    // built: started only now, so that the page does not share the scan with it.
    const condition = this.viewIndexes.condition(runId, filter, types);
    const sql = viewPageSql(resultTable(runId), types, window, PAGE_CLIP_CHARS, condition, sort);
    let rows: unknown[][];
    try {
      rows = await this.read(sql);
    } catch (error) {
      await this.viewIndexes.plan(runId, filter); // throws what is wrong with the filter, in our words
      throw error;
    }
    const page = this.pageFrom(rows, window);
    this.viewIndexes.view(runId, filter, sort).catch(() => {});
    return { ...page, total: null };
  }

  /**
   * The index table of rowids of a view (a filter, a sort or both) and its
   * rows, built if need be: what a download of "this view" reads.
   */
  async viewIndex(runId: string, filter: ResultFilter | null, sort: SortSpec | null, rows: number): Promise<View> {
    this.budget.touch(runId);
    if (isFiltered(filter)) return this.viewIndexes.view(runId, filter, sort);
    if (sort) return { index: await this.viewIndexes.of(runId, sort), rows };
    throw new Error("a view needs a filter or a sort");
  }

  /** How many rows a filtered view has, waiting for its index if need be. */
  async viewRows(runId: string, filter: ResultFilter, sort: SortSpec | null): Promise<number> {
    this.budget.touch(runId);
    return (await this.viewIndexes.view(runId, filter, sort)).rows;
  }

  /** A column's profile over every stored row (computed once). */
  profile(runId: string, column: number): Promise<ColumnProfile> {
    this.budget.touch(runId);
    return this.profiles.of(runId, column);
  }

  /**
   * The DuckDB type names of a stored result's columns c0…cN, in order: what
   * filters compare as and exports write each as. Read once (a result's
   * columns never change).
   */
  async columnTypes(runId: string): Promise<string[]> {
    const known = this.types.get(runId);
    if (known) return known;
    const connection = await this.instance.connect();
    try {
      const types = await tableTypes(connection, resultTable(runId));
      this.types.set(runId, types);
      return types;
    } finally {
      connection.closeSync();
    }
  }

  private pageFrom(rows: unknown[][], window: { offset: number }): Page {
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

  /** The stored rows as CSV bytes, in segments of temporary files (see storedCsv in csv-files.ts). */
  csv(runId: string, rowCount: number, header: string, downloader: string): ReadableStream<Uint8Array> {
    return storedCsv(this.csvStore(), runId, rowCount, header, downloader);
  }

  /** What CSV downloads use of the store; the download of every row (csv-batches.ts) writes its files with it. */
  csvStore(): CsvStore {
    return {
      connect: () => this.instance.connect(),
      exec: (sql) => this.exec(sql),
      budget: this.budget,
      tempDir: this.tempDir,
    };
  }

  /** Called when a run's rows are removed (the run catalog forgets what it cached of the run). */
  onRemove: (runId: string) => void = () => {};

  /** Removes a run's stored rows and sort indexes; `space`: to free space (the run will say so). */
  async remove(runId: string, reason: "space" | "expired"): Promise<void> {
    this.onRemove(runId);
    this.viewIndexes.forgetRun(runId);
    this.profiles.forgetRun(runId);
    this.types.delete(runId);
    for (const [name] of await this.read(sortIndexesOfSql(runId))) {
      const index = String(name);
      if (!/^o_[0-9a-f]{32}_\d+_[ad]$/.test(index) && !VIEW_INDEX_NAME.test(index)) continue;
      this.viewIndexes.forget(index);
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

  /** Lets DuckDB reuse the blocks of dropped tables (see reclaim.ts). */
  reclaim(): void {
    this.reclaimer.reclaim();
  }

  /** Resolves once the blocks of removed results can be reused (see `reclaim`), or after `timeoutMs`. */
  async reclaimed(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    await this.reclaimer.reclaimed(timeoutMs);
  }

  /**
   * One statement. Statements of several members share the store's memory
   * limit, and DuckDB fails one that finds it taken (two sort indexes of 1M
   * rows built at once under 40MB did): exec and read run it again after a
   * wait (retryOutOfMemory). Each is a statement of its own, undone whole
   * when it fails.
   */
  async exec(sql: string): Promise<void> {
    await retryOutOfMemory(async () => {
      const connection = await this.instance.connect();
      try {
        await connection.run(sql);
      } finally {
        connection.closeSync();
      }
    });
  }

  /**
   * Reads run on connections kept for them, one query at a time each: opening
   * one is a trip through the thread pool, and on a busy server every such
   * trip waits for the JavaScript thread again (pages are the reads). For the
   * same reason a read is one trip: the query runs to a materialized result
   * whose chunks are then taken synchronously, where a reader (runAndReadAll)
   * fetches each chunk, and the end, with a trip of its own.
   */
  private readonly readers: DuckDBConnection[] = [];

  async read(sql: string): Promise<unknown[][]> {
    return retryOutOfMemory(async () => {
      const connection = this.readers.pop() ?? (await this.instance.connect());
      try {
        const result = await connection.run(sql);
        const rows: unknown[][] = [];
        for (let i = 0; i < result.chunkCount; i++) for (const row of result.getChunk(i).getRows()) rows.push(row);
        return rows;
      } finally {
        if (this.readers.length < KEPT_READERS) this.readers.push(connection);
        else connection.closeSync();
      }
    });
  }

  close(): void {
    this.reclaimer.stop();
    for (const connection of this.readers.splice(0)) connection.closeSync();
    this.instance.closeSync();
  }
}

/** The DuckDB type names of a table's columns, in order, as its catalog has them. */
async function tableTypes(connection: DuckDBConnection, table: string): Promise<string[]> {
  return (await connection.run(`SELECT * FROM ${table} LIMIT 0`)).columnTypes().map(String);
}
