import "server-only";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import { DuckDBDataChunk } from "@duckdb/node-api";
import { EngineError } from "../types";
import { ArrowChunkWriter } from "./arrow-chunks";
import { type ArrowBatchSource, type ArrowFetch, recordBatches } from "./arrow-source";
import { downloadsStopOn, isExpiredLink, resumeFrom, untilAborted } from "./cloud-fetch";
import type { ColumnPlan } from "./types";

/** Fresh links asked for in a row before giving up, when each set expires before it is read. */
const LINK_RESUMES = 3;
/** Rows per fetch: large enough to amortise round trips, small enough to bound memory. */
const FETCH_ROWS = 50_000;

/**
 * A result's DuckDB chunks: the driver's Arrow batches when it has them (inline
 * or CloudFetch), else its rows. The operation is closed at the end, however it ends.
 */
export async function* batches(
  operation: IOperation,
  source: ArrowBatchSource | null,
  names: string[],
  plans: ColumnPlan[],
  signal: AbortSignal,
  cancel: () => void,
  failure: (error: unknown) => EngineError,
): AsyncGenerator<DuckDBDataChunk> {
  const cancelled = () => new EngineError("Query cancelled", { cancelled: true });
  const fetching: Fetching = async (fetch, keep) => {
    let fetched: Awaited<ReturnType<typeof fetch>>;
    try {
      // A CloudFetch download the driver cannot stop must not hold up a cancel.
      fetched = await untilAborted(fetch(), signal, cancelled);
    } catch (error) {
      if (signal.aborted) throw cancelled();
      throw keep?.(error) ? error : failure(error);
    }
    if (signal.aborted) throw cancelled();
    return fetched;
  };
  try {
    if (source) yield* arrowChunks(operation, source, plans, fetching, signal, failure);
    else yield* rowChunks(operation, names, plans, fetching);
  } finally {
    signal.removeEventListener("abort", cancel);
    await operation.close().catch(() => {});
  }
}

/** Runs one fetch: cancel ends it at once; errors become EngineErrors, except those `keep` keeps. */
type Fetching = <T>(fetch: () => Promise<T>, keep?: (error: unknown) => boolean) => Promise<T>;

/**
 * The driver's Arrow batches, inline or by CloudFetch, written into chunks
 * column by column (`ArrowChunkWriter`): no JavaScript object per row.
 * An expired CloudFetch link (the driver never asks again) is replaced: fresh
 * links from the rows written so far (`resumeFrom`), a few times in a row at most.
 */
async function* arrowChunks(
  operation: IOperation,
  first: ArrowBatchSource,
  plans: ColumnPlan[],
  fetching: Fetching,
  signal: AbortSignal,
  failure: (error: unknown) => EngineError,
): AsyncGenerator<DuckDBDataChunk> {
  let writer: ArrowChunkWriter | null = null;
  let source = first;
  let stopDownloads = downloadsStopOn(source, signal);
  let written = 0;
  let resumes = 0;
  let skip: (() => number) | null = null;
  // A result cut at the row cap (the consumer stops) must not keep downloading files.
  try {
    while (await fetching(() => source.hasMore())) {
      let fetched: ArrowFetch;
      try {
        fetched = await fetching(() => source.fetchNext({ limit: FETCH_ROWS, disableBuffering: true }), isExpiredLink);
      } catch (error) {
        if (!isExpiredLink(error) || resumes >= LINK_RESUMES) throw EngineError.is(error) ? error : failure(error);
        resumes += 1;
        stopDownloads();
        const resumed = await fetching(() => resumeFrom(operation, written, signal));
        source = resumed.batches as unknown as ArrowBatchSource;
        stopDownloads = resumed.stop;
        skip = resumed.rowsToSkip;
        continue;
      }
      // Fresh links start at a file's first row, which may be before the rows written.
      let skipping = skip ? skip() : 0;
      skip = null;
      for (let batch of recordBatches(fetched)) {
        if (skipping >= batch.numRows) {
          skipping -= batch.numRows;
          continue;
        }
        if (skipping > 0) batch = batch.slice(skipping);
        skipping = 0;
        writer ??= new ArrowChunkWriter(plans, batch.schema);
        written += batch.numRows;
        resumes = 0;
        yield* writer.chunks(batch);
      }
      // Let timers and sockets run between fetches, as the driver's own fetch loop does.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    stopDownloads();
  }
}

/** Rows as the driver's objects, for a warehouse that answers in Thrift columns instead of Arrow. */
async function* rowChunks(
  operation: IOperation,
  names: string[],
  plans: ColumnPlan[],
  fetching: Fetching,
): AsyncGenerator<DuckDBDataChunk> {
  const types = plans.map((p) => p.storageType);
  for (;;) {
    const rows = (await fetching(() =>
      operation.fetchChunk({ maxRows: FETCH_ROWS, disableBuffering: true }),
    )) as Record<string, unknown>[];
    // DuckDB chunks hold at most 2048 rows.
    for (let start = 0; start < rows.length; start += 2048) {
      const slice = rows.slice(start, start + 2048);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(
        plans.map((plan, c) =>
          slice.map((row) => {
            const value = row[names[c]];
            return value === null || value === undefined ? null : plan.convert(value);
          }),
        ),
      );
      yield chunk;
    }
    if (!(await fetching(() => operation.hasMoreRows()))) return;
  }
}
