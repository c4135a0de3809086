import "server-only";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import ArrowResultHandler from "@databricks/sql/dist/result/ArrowResultHandler";
import CloudFetchResultHandler from "@databricks/sql/dist/result/CloudFetchResultHandler";
import { Arrow, type ArrowModule } from "../../arrow";

/** What one fetch from the warehouse gives: Arrow IPC messages and how many rows of them count. */
export interface ArrowFetch {
  batches: Buffer[];
  rowCount: number;
}

/**
 * The driver's own source of Arrow results, beneath its row conversion:
 * inline Arrow batches (`ArrowResultHandler`) or CloudFetch files it has
 * downloaded and decompressed (`CloudFetchResultHandler`). Both answer
 * `fetchNext` with IPC messages — the schema first for inline results, a
 * whole stream per CloudFetch file — and a row count.
 */
export interface ArrowBatchSource {
  hasMore(): Promise<boolean>;
  fetchNext(options: { limit: number; disableBuffering?: boolean }): Promise<ArrowFetch>;
}

/**
 * The Arrow source under an operation's result handler, or null when the
 * warehouse answered in Thrift columns (old runtimes, Arrow turned off): then
 * the caller reads rows.
 *
 * `getResultHandler()` is the driver's (Thrift backend's) accessor for the
 * handler it reads rows through: a `ResultSlicer` over an
 * `ArrowResultConverter` over the Arrow source. Only the handler classes the
 * driver itself constructs are accepted, so a driver whose structure changes
 * falls back to rows instead of misreading.
 */
export async function arrowBatchSource(operation: IOperation): Promise<ArrowBatchSource | null> {
  const withHandler = operation as IOperation & { getResultHandler?: () => Promise<unknown> };
  if (typeof withHandler.getResultHandler !== "function") return null;
  const slicer = (await withHandler.getResultHandler()) as { source?: { source?: unknown } };
  const source = slicer?.source?.source;
  if (source instanceof ArrowResultHandler || source instanceof CloudFetchResultHandler)
    return source as unknown as ArrowBatchSource;
  return null;
}

/**
 * The record batches of one fetch, holding to its row count (a CloudFetch file
 * may carry more rows than its link counts; the driver cuts them the same way).
 */
export function* recordBatches(fetched: ArrowFetch): Generator<ArrowModule.RecordBatch> {
  if (fetched.rowCount <= 0 || fetched.batches.length === 0) return;
  let remaining = fetched.rowCount;
  for (const batch of Arrow.RecordBatchReader.from(fetched.batches)) {
    if (remaining <= 0) return;
    if (batch.numRows === 0) continue;
    yield batch.numRows <= remaining ? batch : batch.slice(0, remaining);
    remaining -= batch.numRows;
  }
}
