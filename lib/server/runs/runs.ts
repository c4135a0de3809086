import "server-only";
import { randomUUID } from "node:crypto";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import type { ChartData } from "@/lib/charts/types";
import { csvLine } from "@/lib/csv";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { Cell, Page, RunError, RunView, SortSpec } from "@/lib/results/types";
import { lineColumnAt, type Statement, splitStatements, utf16OffsetOfByte } from "@/lib/sql/split";
import { isQuery } from "@/lib/sql/statement-kind";
import { levelOn } from "../auth/permissions";
import { config } from "../config";
import { findNotebook } from "../db/queries/notebooks";
import { findQuery } from "../db/queries/saved-queries";
import type { User } from "../db/schema";
import { type Engine, EngineError, type EngineSession, type StatementResult } from "../engines/types";
import { type Runtime, runtime } from "../runtime";
import type { RunRecord } from "./catalog";
import { chartData } from "./chart";
import { saveRunEnd } from "./final-save";
import type { ResultWriter } from "./result-store";
import { runSlots, type Slot, waitMessage } from "./slots";
import { armStatementTimeout, timedOut, timeoutMessage } from "./timeout";

/**
 * Who runs: the signed-in user. A run, its pages and download belong to them;
 * a run of a saved query's (or notebook cell's) saved SQL can also be read by
 * anyone who can view the query (or notebook).
 */
export type Actor = Pick<User, "id" | "role">;

interface ActiveRun {
  record: RunRecord;
  lane: string;
  controller: AbortController;
  waiters: Set<() => void>;
  /** Its turn on an engine: waiting in the queue, then held until its session is closed. */
  slot: Slot;
}

/** A full download (see allRowsCsv): a statement of its member's on an engine, outside any run. */
interface ActiveDownload {
  owner: string;
  controller: AbortController;
}

// Runs in progress in this process (waiting or running), by id, and full downloads.
const holder = globalThis as {
  __lakebookActiveRuns?: Map<string, ActiveRun>;
  __lakebookDownloads?: Set<ActiveDownload>;
};
holder.__lakebookActiveRuns ??= new Map();
holder.__lakebookDownloads ??= new Set();
const active = holder.__lakebookActiveRuns;
const downloads = holder.__lakebookDownloads;

/** How long starting a run waits for its first page before answering "running". */
const FIRST_PAGE_WAIT_MS = 2_000;
/** Longest a status request waits for news. */
const MAX_WAIT_MS = 1_000;
/** Waiting status requests hear about more stored rows at most this often. */
const PROGRESS_INTERVAL_MS = 400;

export interface StartRunInput {
  sql: string;
  connectionId: string;
  /** One run at a time per editor tab. */
  lane: string;
  /** Rows of the first page to return with the answer. */
  pageSize: number;
  /** The saved query this runs, checked by the caller (Can run, and the SQL is the saved SQL). */
  queryId?: string | null;
  /** The notebook whose cell's saved SQL this runs, checked by the caller (Can run). */
  notebookId?: string | null;
}

export async function startRun(
  actor: Actor,
  input: StartRunInput,
  engine: Engine,
): Promise<{ run: RunView; page: Page | null }> {
  refuseWhileStopping();
  const limits = config();
  const bytes = Buffer.byteLength(input.sql, "utf8");
  if (bytes > limits.LAKEBOOK_MAX_SQL_BYTES) {
    throw new UserError(
      `The statement is ${formatBytes(bytes)}; the limit is ${formatBytes(limits.LAKEBOOK_MAX_SQL_BYTES)}. Load large data from a table or file instead of pasting it.`,
    );
  }
  const statements = splitStatements(input.sql, engine.dialect);
  if (statements.length === 0) throw new UserError("There is no SQL to run: write a statement first.");
  // From here to active.set nothing awaits: parallel calls see each other's lane and slot.
  const lane = `${actor.id}:${input.lane}`;
  if ([...active.values()].some((run) => run.lane === lane)) {
    throw new UserError("A query is already running in this editor. Cancel it or wait for it to finish.");
  }
  const slot = runSlots().take(actor.id);

  const record: RunRecord = {
    id: randomUUID().replaceAll("-", ""),
    owner: actor.id,
    connectionId: input.connectionId,
    queryId: input.queryId ?? null,
    notebookId: input.notebookId ?? null,
    sql: input.sql,
    status: "running",
    columns: [],
    rowCount: 0,
    truncated: false,
    message: slot.wait && waitMessage(slot.wait),
    statementCount: statements.length,
    error: null,
    startedAt: new Date(),
    finishedAt: null,
    firstPageMs: null,
  };
  const run: ActiveRun = { record, lane, controller: new AbortController(), waiters: new Set(), slot };
  active.set(record.id, run);
  slot.onWait = (wait) => {
    record.message = waitMessage(wait);
    notify(run);
  };
  let rt: Runtime;
  try {
    rt = await runtime();
    await rt.catalog.save(record);
  } catch (error) {
    slot.release();
    active.delete(record.id);
    throw error;
  }
  void execute(rt, engine, run, statements);

  // A run that waits for a slot answers at once, so that the editor can say so.
  await waitFor(
    run,
    () => record.status !== "running" || record.firstPageMs !== null || slot.state === "waiting",
    FIRST_PAGE_WAIT_MS,
  );
  const page =
    record.columns.length > 0 && record.rowCount > 0
      ? await rt.store.page(record.id, record.columns.length, { offset: 0, limit: input.pageSize })
      : null;
  return { run: runView(record), page };
}

async function execute(rt: Runtime, engine: Engine, run: ActiveRun, statements: Statement[]): Promise<void> {
  const { record, controller, slot } = run;
  const limits = config();
  let session: EngineSession | null = null;
  let writer: ResultWriter | null = null;
  let current: Statement = statements[0];
  let outcome: RunRecord["status"] = "failed";
  let disarm = () => {};
  try {
    const granted = await slot.whenGranted(controller.signal);
    record.message = null;
    if (!granted || controller.signal.aborted) throw new EngineError("Query cancelled", { cancelled: true });
    notify(run);
    // The timeout counts from here: the time spent waiting for a slot is not the statement's.
    disarm = armStatementTimeout(controller);
    // While a warehouse starts, the run says so instead of only "running".
    let waitingMessage: string | null = null;
    const progress = {
      signal: controller.signal,
      waiting(message: string) {
        record.message = waitingMessage = message;
        notify(run);
      },
    };
    session = await engine.openSession(progress);
    for (const [index, statement] of statements.entries()) {
      current = statement;
      const result: StatementResult = await session.execute(statement.text, controller.signal, progress);
      if (waitingMessage !== null && record.message === waitingMessage) record.message = null;
      if (result.kind !== "rows") {
        record.message = summary(result, index, statements.length);
        continue;
      }
      // Only the last statement's rows are kept, as in a Databricks SQL editor.
      if (index < statements.length - 1) continue;
      record.message = statements.length > 1 ? `${statements.length} statements run.` : null;
      let notifiedAt = 0;
      const stored = await rt.store.createWriter(
        record.id,
        record.owner,
        result.columns,
        { maxRows: limits.LAKEBOOK_RESULT_MAX_ROWS, maxBytes: limits.LAKEBOOK_RESULT_MAX_BYTES },
        () => {
          // More rows are readable: the first page at once, then progress now and then.
          record.rowCount = stored.visibleRows;
          const now = performance.now();
          if (record.firstPageMs !== null && now - notifiedAt < PROGRESS_INTERVAL_MS) return;
          record.firstPageMs ??= Date.now() - record.startedAt.getTime();
          notifiedAt = now;
          notify(run);
        },
      );
      writer = stored;
      record.columns = result.columns.map(({ name, type }) => ({ name, type }));
      for await (const chunk of result.batches) {
        if (!(await stored.append(chunk))) {
          // The cap is reached: stop reading; closing the session ends the statement.
          record.truncated = true;
          record.cutByBudget = stored.cut === "budget";
          break;
        }
      }
      await stored.finish();
      record.rowCount = stored.visibleRows;
    }
    outcome = "succeeded";
  } catch (error) {
    if (writer) {
      // Keep what was stored before the failure or cancel visible.
      await writer.finish().catch((e) => console.error("run cleanup failed:", e));
      record.rowCount = writer.visibleRows;
    }
    const stopped = timedOut(controller.signal, error);
    const cancelled = !stopped && EngineError.is(error) && error.details.cancelled === true;
    outcome = cancelled ? "cancelled" : "failed";
    if (stopped) record.error = { message: timeoutMessage() };
    else if (cancelled) record.message = (controller.signal.reason as Partial<StopReason>)?.note ?? record.message;
    else record.error = runError(error, record.sql, current);
  } finally {
    disarm();
    await writer?.close().catch((e) => console.error("run cleanup failed:", e));
    await session?.close().catch(() => {});
    // The engine is done with it (or never started): the next run may go.
    slot.release();
    const finishedAt = new Date();
    record.firstPageMs ??= record.columns.length > 0 ? finishedAt.getTime() - record.startedAt.getTime() : null;
    // The end becomes visible only once it is stored (retried until it is), so whoever sees it can rely on it.
    await saveRunEnd(rt.catalog, { ...record, status: outcome, finishedAt });
    record.status = outcome;
    record.finishedAt = finishedAt;
    active.delete(record.id);
    notify(run);
  }
}

function summary(result: Exclude<StatementResult, { kind: "rows" }>, index: number, count: number): string {
  const what =
    result.kind === "changed"
      ? `${result.statement}: ${result.rowsAffected.toLocaleString("en-US")} ${result.rowsAffected === 1 ? "row" : "rows"} affected.`
      : `${result.statement}: done.`;
  return count > 1 ? `${index + 1} of ${count} statements run. Last: ${what}` : what;
}

function runError(error: unknown, sql: string, statement: Statement): RunError {
  if (!EngineError.is(error)) {
    console.error("run failed unexpectedly:", error);
    return { message: "The query failed because of an internal error. It has been logged." };
  }
  const out: RunError = { message: error.message };
  if (error.details.sqlState) out.sqlState = error.details.sqlState;
  if (error.details.position !== undefined) {
    const offset = statement.offset + utf16OffsetOfByte(statement.text, error.details.position);
    Object.assign(out, lineColumnAt(sql, offset));
  }
  return out;
}

/** Why someone else stopped a member's run, as the run's message says. */
interface StopReason {
  note: string;
}

/**
 * Stops a run, waiting or running: its member may, and so may an admin
 * (whose History lists everyone's running queries).
 */
export async function cancelRun(actor: Actor, id: string): Promise<RunView> {
  const run = active.get(id);
  const record = actor.role === "admin" ? (run?.record ?? (await anyRun(id))) : await readable(actor, id);
  if (record.owner !== actor.id && actor.role !== "admin")
    throw new UserError("Only the person who started a run, or an admin, can cancel it.");
  if (run) {
    run.controller.abort(record.owner === actor.id ? undefined : ({ note: "Cancelled by an admin." } as StopReason));
    await waitFor(run, () => run.record.status !== "running", 5_000);
    return runView(run.record);
  }
  return runView(record);
}

/** Stops every run (waiting or running) and full download of a member, e.g. when they are disabled. */
export async function cancelRunsOf(userId: string, note: string): Promise<void> {
  const reason: StopReason = { note };
  for (const download of downloads) if (download.owner === userId) download.controller.abort(reason);
  const theirs = [...active.values()].filter((run) => run.record.owner === userId);
  for (const run of theirs) run.controller.abort(reason);
  await Promise.all(theirs.map((run) => waitFor(run, () => run.record.status !== "running", 5_000)));
}

/** What History shows of a run this process is running: whether it waits, and its message now. */
export function liveRun(id: string): { waiting: boolean; message: string | null } | null {
  const run = active.get(id);
  return run ? { waiting: run.slot.state === "waiting", message: run.record.message } : null;
}

/**
 * The run's state, waiting up to `waitMs` for news: a status change or more
 * stored rows than `knownRows`.
 */
export async function runState(actor: Actor, id: string, knownRows: number, waitMs: number): Promise<RunView> {
  const record = await readable(actor, id);
  const run = active.get(id);
  if (run) {
    // News is also a new message: the queue moved, or the warehouse is starting.
    const message = record.message;
    await waitFor(
      run,
      () => record.status !== "running" || record.rowCount !== knownRows || record.message !== message,
      Math.min(waitMs, MAX_WAIT_MS),
    );
  }
  return runView(record);
}

export async function readPage(
  actor: Actor,
  id: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
): Promise<Page> {
  const record = await stored(actor, id);
  if (sort && record.status === "running") throw new UserError("Sorting is available once the query has finished.");
  if (sort && (sort.column < 0 || sort.column >= record.columns.length))
    throw new UserError("There is no such column to sort by.");
  if (record.columns.length === 0) return { offset, rows: [], rowIds: [], clipped: [] };
  const rt = await runtime();
  return rt.store.page(id, record.columns.length, { offset, limit }, sort);
}

export async function readCell(actor: Actor, id: string, rowId: number, column: number): Promise<Cell> {
  const record = await stored(actor, id);
  if (column < 0 || column >= record.columns.length) throw new UserError(NOT_FOUND);
  return (await runtime()).store.cell(id, rowId, column);
}

/** Points to chart a stored result, sampled or aggregated on the server. */
export async function readChart(actor: Actor, id: string, spec: ChartSpec): Promise<ChartData> {
  const record = await stored(actor, id);
  if (record.status === "running") throw new UserError("The chart is drawn once the query has finished.");
  return chartData((await runtime()).store, record, spec);
}

/** The whole stored result as CSV, with a header row of the column names. */
export async function csvDownload(
  actor: Actor,
  id: string,
): Promise<{ record: RunRecord; body: ReadableStream<Uint8Array> }> {
  const record = await stored(actor, id);
  if (record.status === "running")
    throw new UserError("The query is still running; download its result when it has finished.");
  if (record.columns.length === 0) throw new UserError("This run has no result rows to download.");
  const rt = await runtime();
  return { record, body: rt.store.csv(id, record.rowCount, csvLine(record.columns.map((c) => c.name)), actor.id) };
}

export function fullDownloadsRunning(): number {
  return downloads.size;
}

/**
 * Every row of a run whose stored result was cut at the cap, as CSV: its
 * statement runs again on the same connection, and its rows stream to the
 * download through DuckDB's CSV writer without being stored. Only the person
 * who ran it may, with their current access to the connection, and only a
 * single query (running statements that change data again would change it
 * twice). A result that was not cut is downloaded from the store as usual.
 */
export async function allRowsCsv(
  actor: Actor,
  id: string,
  engineOf: (connectionId: string) => Promise<Engine>,
  /** The request's signal: a download left while it waits for a slot leaves the queue. */
  leave?: AbortSignal,
): Promise<{ record: RunRecord; body: ReadableStream<Uint8Array> }> {
  const record = await readable(actor, id);
  if (!record.truncated) return csvDownload(actor, id);
  refuseWhileStopping();
  if (record.owner !== actor.id)
    throw new UserError("Only the person who ran this query can download all of its rows: it runs again.");
  const engine = await engineOf(record.connectionId);
  const statements = splitStatements(record.sql, engine.dialect);
  if (statements.length !== 1 || !isQuery(statements[0].text, engine.dialect)) {
    throw new UserError(
      "Only a single query can run again for a full download. Run its last statement on its own, then download.",
    );
  }
  // A statement on an engine like a run's: it takes a slot of its member's, waiting if need be.
  const slot = runSlots().take(actor.id);
  const download: ActiveDownload = { owner: actor.id, controller: new AbortController() };
  const { controller } = download;
  downloads.add(download);
  const stopOnLeave = () => controller.abort();
  leave?.addEventListener("abort", stopOnLeave, { once: true });
  let session: EngineSession | null = null;
  let disarm = () => {};
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    disarm();
    leave?.removeEventListener("abort", stopOnLeave);
    downloads.delete(download);
    const closing = session?.close().catch(() => {});
    // The slot is free once the statement's session is closed.
    void Promise.resolve(closing).then(() => slot.release());
  };
  try {
    if (!(await slot.whenGranted(controller.signal)) || controller.signal.aborted) {
      throw new UserError("The download was stopped before it started.");
    }
    disarm = armStatementTimeout(controller);
    session = await engine.openSession({ signal: controller.signal });
    const result = await session.execute(statements[0].text, controller.signal);
    if (result.kind !== "rows") throw new UserError("The statement no longer returns rows.");
    const rt = await runtime();
    const body = rt.store.csvOfBatches(
      randomUUID().replaceAll("-", ""),
      result.columns.map((c) => c.storageType),
      result.batches,
      csvLine(result.columns.map((c) => c.name)),
      { stop: () => controller.abort(), onEnd: finish, downloader: actor.id },
    );
    return { record, body };
  } catch (error) {
    finish();
    throw timedOut(controller.signal, error) ? new UserError(timeoutMessage()) : error;
  }
}

/**
 * The run, if the actor may read it: their own, or a run of a saved query
 * they can view. Anyone else's run looks exactly like one that does not exist.
 */
async function stored(actor: Actor, id: string): Promise<RunRecord> {
  const record = await readable(actor, id);
  if (record.removedForSpace)
    throw new UserError("This result was removed to free space for newer results. Run the query again.");
  if (record.resultExpired)
    throw new UserError(
      `This result is no longer stored: results are kept for ${config().LAKEBOOK_RESULT_TTL_HOURS} hours. Run the query again.`,
    );
  return record;
}

/** Any run, for an admin. */
async function anyRun(id: string): Promise<RunRecord> {
  const record = /^[0-9a-f]{32}$/.test(id) ? await (await runtime()).catalog.load(id) : null;
  if (!record) throw new UserError(NOT_FOUND);
  return record;
}

async function readable(actor: Actor, id: string): Promise<RunRecord> {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new UserError(NOT_FOUND);
  const rt = await runtime();
  const run = active.get(id);
  const record = run ? run.record : await rt.catalog.load(id);
  if (record && record.owner === actor.id) return record;
  if (record?.queryId) {
    const query = await findQuery(rt.db, record.queryId);
    if (query && (await levelOn(actor, "query", query)) !== null) return record;
  }
  if (record?.notebookId) {
    const notebook = await findNotebook(rt.db, record.notebookId);
    if (notebook && (await levelOn(actor, "notebook", notebook)) !== null) return record;
  }
  throw new UserError(NOT_FOUND);
}

export function runView(record: RunRecord): RunView {
  const end = record.finishedAt?.getTime() ?? Date.now();
  return {
    id: record.id,
    status: record.status,
    waiting: active.get(record.id)?.slot.state === "waiting",
    columns: record.columns,
    rowCount: record.rowCount,
    truncated: record.truncated,
    truncatedBy: record.truncated ? (record.cutByBudget ? "budget" : "cap") : null,
    resultRemoved: record.removedForSpace ? "space" : record.resultExpired ? "expired" : null,
    message: record.message,
    statementCount: record.statementCount,
    error: record.error,
    startedAt: record.startedAt.toISOString(),
    elapsedMs: end - record.startedAt.getTime(),
    firstPageMs: record.firstPageMs,
  };
}

function notify(run: ActiveRun): void {
  for (const wake of run.waiters) wake();
}

function waitFor(run: ActiveRun, done: () => boolean, timeoutMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      run.waiters.delete(check);
      resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    run.waiters.add(check);
  });
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

// Set once the server is shutting down (shutdown.ts): the message new runs are refused with.
const stopping = globalThis as { __lakebookStopping?: string };

function refuseWhileStopping(): void {
  if (stopping.__lakebookStopping) throw new UserError(stopping.__lakebookStopping);
}

/** From now on, starting a run (or a full download) fails with `message`. */
export function stopTakingRuns(message: string): void {
  stopping.__lakebookStopping = message;
}

/**
 * Cancels every run in progress in this process, waiting or running (each
 * engine stops its statement), and every full download, with `reason` as the
 * run's message. Resolves once every run has ended and stored its end, or
 * after `waitMs`; with the number of runs cancelled.
 */
export async function cancelAllRuns(reason: string, waitMs: number): Promise<number> {
  const stop: StopReason = { note: reason };
  for (const download of downloads) download.controller.abort(stop);
  const runs = [...active.values()];
  for (const run of runs) run.controller.abort(stop);
  await Promise.all(runs.map((run) => waitFor(run, () => !active.has(run.record.id), waitMs)));
  return runs.length;
}
