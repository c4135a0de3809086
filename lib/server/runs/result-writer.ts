import "server-only";
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { yieldToReads } from "../foreground";
import { releaseNativeMemory } from "../native-memory";
import type { StoreBudget } from "./budget";
import { chunkBytes, rowBytes, rowsWithin, TABLE_BYTES } from "./chunk-bytes";
import { settleLedgerRow } from "./ledger";
import { Stage } from "./staging";
import { moveStageSql } from "./store-sql";

export interface Caps {
  maxRows: number;
  maxBytes: number;
}

/** What stopped a result short: the row cap, the byte cap, or the storage budget. */
export type Cut = "rows" | "bytes" | "budget";

/** A stage of very wide rows moves sooner, so memory holds at most about this much of it. */
const STAGE_BYTES = 32 * 1024 * 1024;
/** Appended rows become readable at least this often while a run streams. */
const MOVE_INTERVAL_MS = 400;

/**
 * Appends a run's batches to its table, in two steps so that the JavaScript
 * thread does only the cheap one: batches go to a staging table in memory,
 * and DuckDB moves each stage into the stored table with `INSERT … SELECT` on
 * its own threads (compressing and writing to disk) while the next stage
 * fills. One move runs at a time, so rows keep their order and at most two
 * stages are in memory. Rows are readable once their move has committed:
 * `visibleRows` counts them, and `onVisible` is called after each move. The
 * first batch is moved at once, for a quick first page.
 *
 * Every batch is measured (chunk-bytes.ts) and charged to the storage budget
 * before it is staged; the writer stops at the row cap, the byte cap, or when
 * the budget has no room left even after removing older results (`cut`).
 */
export class ResultWriter {
  /** Rows accepted (staged or stored). */
  rows = 0;
  /** Rows stored and readable by pages and downloads. */
  visibleRows = 0;
  /** Bytes of the rows accepted (chunk-bytes.ts), as charged to the budget. */
  bytes = 0;
  /** The table's first block, charged with its first rows (an empty table takes none). */
  private tableBytes = 0;
  cut: Cut | null = null;
  private chunks = 0;
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
    private readonly types: readonly DuckDBType[],
    private readonly caps: Caps,
    private readonly budget: {
      ledger: StoreBudget;
      key: string;
      /** Told what cut the result short, once it is recorded. */
      settled: (cut: Cut | null) => void;
    },
    private readonly onVisible: () => void,
  ) {}

  get capped(): boolean {
    return this.cut !== null;
  }

  /** Appends a batch; resolves false once a cap or the budget is reached (the batch may be cut). */
  async append(chunk: DuckDBDataChunk): Promise<boolean> {
    if (this.failure) throw this.failure.error;
    if (this.cut) return false;
    let bytes = chunkBytes(chunk, this.types);
    if (this.rows + chunk.rowCount > this.caps.maxRows || this.bytes + bytes > this.caps.maxBytes) {
      const byRows = this.caps.maxRows - this.rows;
      bytes = this.cutTo(chunk, this.caps.maxBytes - this.bytes, byRows);
      this.cut = chunk.rowCount < byRows ? "bytes" : "rows";
    }
    const { ledger, key } = this.budget;
    const block = this.tableBytes === 0 && chunk.rowCount > 0 ? TABLE_BYTES : 0;
    if (bytes + block > 0 && !ledger.tryCharge(key, bytes + block) && !(await ledger.charge(key, bytes + block))) {
      // No room even after removing older results: keep the rows that fit in what is left.
      bytes = this.cutTo(chunk, ledger.room(key) - block, chunk.rowCount);
      if (chunk.rowCount > 0 && !ledger.tryCharge(key, bytes + block)) bytes = this.cutTo(chunk, 0, 0);
      this.cut = "budget";
    }
    if (chunk.rowCount > 0) this.tableBytes = TABLE_BYTES;
    if (chunk.rowCount > 0) {
      this.stage ??= await Stage.open(this.writer, this.table, this.stages++, this.types, this.pending);
      this.stage.append(chunk, bytes);
    }
    this.rows += chunk.rowCount;
    this.bytes += bytes;
    this.chunks += 1;
    if (this.chunks % 16 === 0) releaseNativeMemory();
    const rows = this.stage?.rows ?? 0;
    const full = this.stage?.full(STAGE_BYTES) ?? false;
    const due = this.moving === null && performance.now() - this.movedAt >= MOVE_INTERVAL_MS;
    if (full || (rows > 0 && (due || this.visibleRows === 0))) await this.move();
    return !this.cut;
  }

  /** Cuts the batch to its leading rows within `room` bytes and `maxRows` rows; their bytes. */
  private cutTo(chunk: DuckDBDataChunk, room: number, maxRows: number): number {
    const within = rowsWithin(rowBytes(chunk, this.types).subarray(0, Math.max(0, maxRows)), Math.max(0, room));
    chunk.rowCount = within.rows;
    return within.bytes;
  }

  /** Moves everything staged into the stored table and waits until it is readable. */
  async finish(): Promise<void> {
    await this.move();
    await this.moving;
    if (this.failure) throw this.failure.error;
  }

  /**
   * Drops stages left behind by a failure or cancel (the stored rows stay),
   * and records what the result holds in the budget's ledger.
   */
  async close(): Promise<void> {
    const { ledger, key } = this.budget;
    try {
      await this.moving;
      this.stage?.close();
      this.stage = null;
      for (const table of this.pending) await this.writer.run(`DROP TABLE IF EXISTS ${table}`);
      await settleLedgerRow(this.writer, key, {
        bytes: this.tableBytes + this.bytes,
        rows: this.visibleRows,
        cut: this.cut === "budget" ? "budget" : null,
      });
      this.budget.settled(this.cut);
    } finally {
      ledger.touch(key, this.visibleRows);
      ledger.unpin(key);
      this.writer.closeSync();
      this.mover.closeSync();
    }
  }

  /** Starts moving the current stage once the previous move is done (one at a time keeps the order). */
  private async move(): Promise<void> {
    const stage = this.stage;
    if (!stage) return;
    this.stage = null;
    // Closing the stage appends its rows on this thread, the longest step of storing.
    await yieldToReads();
    stage.close();
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
