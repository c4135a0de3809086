import "server-only";
import HttpRetryPolicy from "@databricks/sql/dist/connection/connections/HttpRetryPolicy";
import type IClientContext from "@databricks/sql/dist/contracts/IClientContext";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import Status from "@databricks/sql/dist/dto/Status";
import CloudFetchResultHandler from "@databricks/sql/dist/result/CloudFetchResultHandler";
import type IResultsProvider from "@databricks/sql/dist/result/IResultsProvider";
import {
  TFetchOrientation,
  type TGetResultSetMetadataResp,
  type TOperationHandle,
  type TRowSet,
} from "@databricks/sql/thrift/TCLIService_types";

/**
 * CloudFetch (driver 2.1.0): the warehouse answers a large result with links
 * to files in the workspace's cloud storage, and CloudFetchResultHandler
 * downloads them (up to 10 at once). Two things the driver does not do:
 * - an expired link fails the fetch ('CloudFetch link has expired', checked
 *   against the link's expiryTime before the request, or HTTP 403 from the
 *   storage) and the driver never asks for it again. `resumeFrom` asks the
 *   warehouse for fresh links from a row offset (FetchResults with
 *   FETCH_ABSOLUTE and startRowOffset, as Databricks' ADBC driver refreshes
 *   links) and reads on through a new handler of the driver's own.
 * - a download cannot be cancelled. `downloadsStopOn` gives a handler's
 *   requests an abort signal.
 * And its downloads retry on the warehouse's budget (`retriesTimeout`, 5
 * attempts backing off to 10 s): an unreachable storage took ~24 s to fail a
 * run. `STORAGE_RETRIES` is theirs instead.
 */

interface Backend {
  context: IClientContext;
  operationHandle: TOperationHandle;
  id: string;
  thriftResultMetadataResponse(): Promise<TGetResultSetMetadataResp>;
}

/** The operation's Thrift backend; the driver's public API has no other way to build a handler. */
function backendOf(operation: IOperation): Backend {
  const backend = (operation as unknown as { backend?: Partial<Backend> }).backend;
  if (!backend?.context || !backend.operationHandle || typeof backend.thriftResultMetadataResponse !== "function")
    throw new Error("This version of @databricks/sql does not expose its CloudFetch handlers.");
  return backend as Backend;
}

/** The driver refused a link past its expiry time, or the storage refused it (403, as S3 and Azure answer an expired URL). */
export function isExpiredLink(error: unknown): boolean {
  const message = (error as { message?: unknown })?.message;
  return typeof message === "string" && /^CloudFetch (link has expired|HTTP error 403)/.test(message);
}

type Fetch = (url: string, init: Record<string, unknown>) => Promise<unknown>;

/**
 * How a download from the workspace's storage is retried: 3 attempts, 0.5 s
 * and 1 s apart, so a dropped connection mid-file gets another try and a
 * storage that cannot be reached fails the run in seconds.
 */
export const STORAGE_RETRIES = { retryMaxAttempts: 3, retryDelayMin: 250, retryDelayMax: 1_000, retriesTimeout: 5_000 };

/** `target` with some members replaced; every other method runs on `target` itself (its caches stay its own). */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(on, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value = Reflect.get(on, key, on);
      return typeof value === "function" ? value.bind(on) : value;
    },
  });
}

/** Gives a CloudFetch handler's downloads the driver's own retry policy on `STORAGE_RETRIES`. */
function retryBriefly(handler: CloudFetchResultHandler): void {
  const target = handler as unknown as { context: IClientContext };
  const context = target.context;
  // The policy reads the budget from its context's config, once per decision.
  const budget = overriding(context, { getConfig: () => ({ ...context.getConfig(), ...STORAGE_RETRIES }) });
  target.context = overriding(context, {
    getConnectionProvider: async () =>
      overriding(await context.getConnectionProvider(), { getRetryPolicy: async () => new HttpRetryPolicy(budget) }),
  });
}

/** A download from the workspace's storage failed (after the driver's retries): `cause` says how. */
export class CloudStorageFailure extends Error {
  constructor(readonly cause: unknown) {
    super("A CloudFetch download failed");
    this.name = "CloudStorageFailure";
  }
}

/**
 * Aborts a CloudFetch handler's downloads (and refuses new ones) when `signal`
 * fires or the returned function is called, and retries them briefly
 * (`STORAGE_RETRIES`); does nothing for other sources.
 */
export function downloadsStopOn(source: unknown, signal: AbortSignal): () => void {
  if (!(source instanceof CloudFetchResultHandler)) return () => {};
  retryBriefly(source);
  const own = new AbortController();
  const stop = () => {
    signal.removeEventListener("abort", stop);
    own.abort();
  };
  signal.addEventListener("abort", stop, { once: true });
  if (signal.aborted) stop();
  const target = source as unknown as { fetch: Fetch };
  const original = target.fetch;
  target.fetch = async (url, init) => {
    if (own.signal.aborted) throw new Error("CloudFetch download stopped");
    try {
      return await original.call(source, url, { ...init, signal: own.signal });
    } catch (error) {
      // Marked here, where it is known to be the storage: a refused address, say, names no URL.
      throw own.signal.aborted ? error : new CloudStorageFailure(error);
    }
  };
  return stop;
}

/**
 * The row sets of an operation from row `from` on: the first FetchResults
 * goes back there (FETCH_ABSOLUTE), the next ones go on (FETCH_NEXT). The
 * first link may start before `from` (a link covers a whole file):
 * `firstOffset` says where.
 */
class RowSetsFrom implements IResultsProvider<TRowSet | undefined> {
  private started = false;
  private more = true;
  firstOffset: number | undefined;

  constructor(
    private readonly context: IClientContext,
    private readonly handle: TOperationHandle,
    private readonly from: number,
  ) {}

  async fetchNext({ limit }: { limit: number }): Promise<TRowSet | undefined> {
    if (!this.more) return undefined;
    const driver = await this.context.getDriver();
    const response = await driver.fetchResults({
      operationHandle: this.handle,
      orientation: this.started ? TFetchOrientation.FETCH_NEXT : TFetchOrientation.FETCH_ABSOLUTE,
      // Thrift's binary protocol writes a plain number as an i64.
      ...(this.started ? {} : { startRowOffset: this.from as never }),
      maxRows: limit as never,
      fetchType: 0,
    });
    Status.assert(response.status);
    this.started = true;
    this.more = Boolean(response.hasMoreRows);
    const offset = response.results?.startRowOffset as unknown as { toNumber?: (imprecise: boolean) => number };
    this.firstOffset ??= offset?.toNumber ? offset.toNumber(true) : Number(offset ?? this.from);
    return response.results;
  }

  async hasMore(): Promise<boolean> {
    return this.more;
  }
}

export interface Resumed {
  /** The driver's CloudFetch handler over fresh links: whole Arrow IPC files, LZ4 already decoded. */
  batches: CloudFetchResultHandler;
  /** Rows at the start of what `batches` yields that were read before (known after its first fetch). */
  rowsToSkip(): number;
  /** Stops its downloads. */
  stop(): void;
}

/**
 * Reads a CloudFetch result again from row `from` (the rows already stored):
 * fresh links from the warehouse, downloaded by the driver's own handler,
 * with `signal` on its downloads. Drop `rowsToSkip()` rows from what it gives.
 */
export async function resumeFrom(operation: IOperation, from: number, signal: AbortSignal): Promise<Resumed> {
  const backend = backendOf(operation);
  const metadata = await backend.thriftResultMetadataResponse();
  const rowSets = new RowSetsFrom(backend.context, backend.operationHandle, from);
  const batches = new CloudFetchResultHandler(backend.context, rowSets, metadata, backend.id);
  const stop = downloadsStopOn(batches, signal);
  return { batches, rowsToSkip: () => Math.max(0, from - (rowSets.firstOffset ?? from)), stop };
}

/** Settles with `promise`, or rejects as soon as `signal` fires (a download the driver cannot stop is left behind). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(reason());
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}
