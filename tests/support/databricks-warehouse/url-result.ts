import { createRequire } from "node:module";
import type { Operation } from "./operation";
import type { ResultRecord, ResultStorage, StoredFile } from "./storage";
import type { T } from "./thrift";

const require = createRequire(`${process.cwd()}/package.json`);
// The LZ4 frame format (magic 0x184D2204), as the driver decodes it with the same package.
const { compressFrameSync }: { compressFrameSync(data: Buffer): Buffer } = require("lz4-napi");

export interface CloudFetchSettings {
  /** Results with more rows than this go as links; 0 sends every non-empty Arrow result that way, Infinity none. */
  thresholdRows: number;
  /** Rows in each result file. */
  rowsPerFile: number;
  /** Links in each FetchResults (and direct results) reply. */
  linksPerFetch: number;
  /**
   * "client": files are LZ4-compressed only when the client said it can
   * decompress (the driver never says so together with canDownloadResult);
   * "always": compressed regardless, to exercise the driver's LZ4 path.
   */
  lz4: "client" | "always";
}

/** Rows in each record batch inside a file; a Databricks file holds several batches. */
const BATCH_ROWS = 4_096;
const EOS = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * One statement's results as CloudFetch files. A file is made only when a
 * fetch needs its link (rows pulled from DuckDB, encoded with the same
 * ArrowEncoder as inline results, written to the storage's disk), so at most
 * one file's rows are in memory. Each file is a whole Arrow IPC stream
 * (schema, record batches, end marker): the driver reads each one on its own.
 * Files already made can be linked again: FETCH_ABSOLUTE (or FETCH_FIRST)
 * moves the cursor back to the file that holds the asked row.
 */
export class UrlResult {
  private readonly files: StoredFile[] = [];
  private cursor = 0;
  private exhausted = false;

  constructor(
    private readonly operation: Operation,
    private readonly storage: ResultStorage,
    private readonly settings: CloudFetchSettings,
    readonly lz4: boolean,
    private readonly record: ResultRecord,
  ) {}

  async fetch(from?: number): Promise<{ links: T.TSparkArrowResultLink[]; startRowOffset: number; hasMore: boolean }> {
    if (from !== undefined && this.files.length > 0) {
      this.record.refetches += 1;
      const at = this.files.findIndex((f) => from < f.startRowOffset + f.rowCount);
      this.cursor = at < 0 ? this.files.length : at;
    }
    const first = this.files[this.cursor];
    const startRowOffset = first ? first.startRowOffset : this.madeRows();
    const links: T.TSparkArrowResultLink[] = [];
    while (links.length < this.settings.linksPerFetch) {
      const file = this.files[this.cursor] ?? (await this.makeFile());
      if (!file) break;
      this.cursor += 1;
      links.push(this.storage.link(file, this.record));
    }
    return { links, startRowOffset, hasMore: this.cursor < this.files.length || !this.exhausted };
  }

  /** The client closed the operation: its files go (links already handed out then answer 404). */
  discard(): Promise<void> {
    return this.storage.remove(this.files.splice(0));
  }

  private madeRows(): number {
    const last = this.files.at(-1);
    return last ? last.startRowOffset + last.rowCount : 0;
  }

  private async makeFile(): Promise<StoredFile | null> {
    if (this.exhausted) return null;
    const page = await this.operation.fetch(this.settings.rowsPerFile);
    this.exhausted = !page.hasMore;
    if (page.rowCount === 0) return null;
    const parts = [this.operation.arrowSchemaBytes!];
    for (let at = 0; at < page.rowCount; at += BATCH_ROWS) {
      const rowCount = Math.min(BATCH_ROWS, page.rowCount - at);
      parts.push(this.operation.encodeArrow({ values: page.values.map((c) => c.slice(at, at + rowCount)), rowCount }));
    }
    parts.push(EOS);
    const stream = Buffer.concat(parts);
    const file = await this.storage.put(
      this.lz4 ? compressFrameSync(stream) : stream,
      page.startRowOffset,
      page.rowCount,
    );
    this.files.push(file);
    return file;
  }
}

/**
 * Decides, once, how a finished statement's results travel: as links when
 * the client can download them, the result is Arrow, and it has more rows
 * than the threshold (found by reading ahead that many rows), else inline.
 * Records the choice for `stats().results`.
 */
export async function chooseDelivery(
  operation: Operation,
  storage: ResultStorage,
  settings: CloudFetchSettings,
  records: ResultRecord[],
): Promise<void> {
  const { cloudFetch, arrow } = operation.format;
  const record: ResultRecord = {
    statement: operation.sql,
    delivery: "inline",
    links: 0,
    refetches: 0,
    downloads: 0,
    abortedDownloads: 0,
    startedDownloads: 0,
    expiredRequests: 0,
  };
  if (operation.columns.length > 0) records.push(record);
  if (!cloudFetch || !arrow || operation.columns.length === 0) return;
  // Infinity (or any non-number) turns CloudFetch off; reading ahead that far would hold the whole result.
  if (!Number.isFinite(settings.thresholdRows)) return;
  const ahead = await operation.lookAhead(settings.thresholdRows + 1);
  if (ahead === 0 || ahead <= settings.thresholdRows) return;
  record.delivery = "cloudfetch";
  const lz4 = settings.lz4 === "always" || cloudFetch.lz4;
  operation.urlResult = new UrlResult(operation, storage, settings, lz4, record);
}
