import { randomBytes, randomUUID } from "node:crypto";
import type { DuckDBValue } from "@duckdb/node-api";
import { ArrowEncoder } from "./arrow";
import { type SqlError, toSqlError } from "./errors";
import { type Rewritten, unchanged } from "./rewritten";
import type { Chunk, RowSource } from "./row-source";
import { type T, ttypes } from "./thrift";
import type { ArrowFlags, ColumnSpec } from "./types";
import type { UrlResult } from "./url-result";

const { TOperationState } = ttypes;

export interface ResultFormat {
  /** Arrow flags when the client can read Arrow, null for column-based results. */
  arrow: ArrowFlags | null;
  /** The client can download result links (canDownloadResult), and decompress LZ4 if true. */
  cloudFetch: { lz4: boolean } | null;
}

export interface Page extends Chunk {
  hasMore: boolean;
  startRowOffset: number;
}

/** RFC 4122 bytes: the driver runs handle GUIDs through uuid.stringify, which rejects anything else. */
export function newGuid(): Buffer {
  return Buffer.from(randomUUID().replaceAll("-", ""), "hex");
}

/**
 * One statement or metadata call. It starts at once and settles in the
 * background (RUNNING → FINISHED / ERROR / CANCELED); rows are pulled from the
 * source only as the client fetches, at most `maxRows` per fetch plus one
 * DuckDB chunk held back, so a large result never sits in memory.
 */
export class Operation {
  readonly guid = newGuid();
  readonly secret = randomBytes(16);
  state: T.TOperationState = TOperationState.RUNNING_STATE;
  error?: SqlError;
  columns: ColumnSpec[] = [];
  /** Closed, cancelled, or closed by the client through direct results: no longer counts as open. */
  finished = false;
  /** Set once the first fetch (or the metadata) decided that results go as CloudFetch links. */
  urlResult?: UrlResult;
  readonly ready: Promise<void>;
  private source?: RowSource;
  private encoder?: ArrowEncoder;
  private buffer: DuckDBValue[][] = [];
  private buffered = 0;
  private delivered = 0;
  private released = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly type: T.TOperationType,
    readonly sql: string,
    readonly format: ResultFormat,
    start: () => Promise<RowSource>,
    private readonly interrupt: () => void,
    private readonly releaseConnection: () => void,
    /** The statement as DuckDB ran it, once known: its errors' positions map back to `sql`. */
    private readonly ran: () => Rewritten | undefined = () => undefined,
  ) {
    this.ready = this.run(start);
  }

  get id(): string {
    return this.guid.toString("hex");
  }

  get arrowSchemaBytes(): Buffer | undefined {
    return this.encoder?.schemaBytes;
  }

  private async run(start: () => Promise<RowSource>): Promise<void> {
    try {
      const source = await start();
      this.source = source;
      this.columns = source.columns;
      if (this.format.arrow) this.encoder = new ArrowEncoder(source.columns, this.format.arrow);
      await this.fill(1); // the first chunk: a query that aggregates does its work here
      if (this.state === TOperationState.RUNNING_STATE) this.state = TOperationState.FINISHED_STATE;
    } catch (error) {
      this.release();
      if (this.state !== TOperationState.RUNNING_STATE) return;
      const sqlError = toSqlError(error, { sent: this.sql, ran: this.ran() ?? unchanged(this.sql) });
      this.state = sqlError.cancelled ? TOperationState.CANCELED_STATE : TOperationState.ERROR_STATE;
      if (!sqlError.cancelled) this.error = sqlError;
    }
  }

  /** The next page of at most `maxRows` rows; fetches are served one at a time, in order. */
  fetch(maxRows: number): Promise<Page> {
    const next = this.queue.then(() => this.page(Math.max(1, maxRows)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Rows ready to send after reading ahead until there are at least `rows` (fewer at the end). */
  lookAhead(rows: number): Promise<number> {
    const next = this.queue.then(async () => {
      await this.ready;
      await this.fill(rows);
      return this.buffered;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async page(maxRows: number): Promise<Page> {
    await this.ready;
    try {
      return await this.nextPage(maxRows);
    } catch (error) {
      // DuckDB raised while streaming (an interrupt). Note: node-api 1.5 ends a stream whose later
      // chunk fails with an empty chunk instead of an error, so such results end early (README).
      this.release();
      if (this.state === TOperationState.FINISHED_STATE) {
        this.state = TOperationState.ERROR_STATE;
        this.error = toSqlError(error);
      }
      throw error;
    }
  }

  private async nextPage(maxRows: number): Promise<Page> {
    await this.fill(maxRows);
    const rowCount = Math.min(maxRows, this.buffered);
    const values = this.buffer.map((column) => column.splice(0, rowCount));
    this.buffered -= rowCount;
    const startRowOffset = this.delivered;
    this.delivered += rowCount;
    await this.fill(1); // look one chunk ahead so the last page says hasMoreRows=false
    return { values, rowCount, startRowOffset, hasMore: this.buffered > 0 };
  }

  encodeArrow(page: Chunk): Buffer {
    return this.encoder!.encode(page.values, page.rowCount);
  }

  private async fill(rows: number): Promise<void> {
    const live = () => this.state === TOperationState.RUNNING_STATE || this.state === TOperationState.FINISHED_STATE;
    while (this.buffered < rows && !this.released && this.source && live()) {
      const chunk = await this.source.next();
      if (!chunk) {
        this.release();
        return;
      }
      if (this.buffer.length === 0) this.buffer = chunk.values.map(() => []);
      chunk.values.forEach((column, i) => {
        for (const value of column) this.buffer[i].push(value);
      });
      this.buffered += chunk.rowCount;
    }
  }

  /**
   * Ends the statement in TIMEDOUT_STATE if it still executes after `seconds`,
   * as a warehouse does at its statement timeout.
   */
  limitTo(seconds: number): void {
    const timer = setTimeout(() => {
      if (this.state !== TOperationState.RUNNING_STATE) return;
      this.state = TOperationState.TIMEDOUT_STATE;
      this.interrupt();
    }, seconds * 1000);
    void this.ready.finally(() => clearTimeout(timer));
  }

  /** Stops a running statement (DuckDB interrupt) or drops a finished one's remaining rows. */
  cancel(): void {
    const wasRunning = this.state === TOperationState.RUNNING_STATE;
    if (wasRunning || this.state === TOperationState.FINISHED_STATE) this.state = TOperationState.CANCELED_STATE;
    this.finished = true;
    if (wasRunning) this.interrupt();
    this.dropRows();
  }

  close(): void {
    const wasRunning = this.state === TOperationState.RUNNING_STATE;
    if (this.state !== TOperationState.CANCELED_STATE) this.state = TOperationState.CLOSED_STATE;
    this.finished = true;
    if (wasRunning) this.interrupt();
    this.dropRows();
  }

  private dropRows(): void {
    this.buffer = [];
    this.buffered = 0;
    // The connection is free for the session's next statement once this one has stopped.
    void this.ready.then(() => this.release());
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.releaseConnection();
  }
}
