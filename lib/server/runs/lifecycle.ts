import "server-only";
import { UserError } from "@/lib/action-result";
import type { Page, RunError, RunView, StatementView } from "@/lib/results/types";
import { type BoundStatement, bindStatement, sourceOffset } from "@/lib/sql/parameter-binding";
import {
  findParameters,
  MAX_PARAMETERS,
  markerText,
  type ParameterSpec,
  specProblem,
  valueProblem,
} from "@/lib/sql/parameters";
import { heldSettings } from "@/lib/sql/settings";
import { lineColumnAt, offsetAt, type Statement, splitStatements, utf16OffsetOfByte } from "@/lib/sql/split";
import { changesSession } from "@/lib/sql/statement-kind";
import type { Caller } from "../auth/caller";
import { config } from "../config";
import { type Engine, EngineError, type EngineSession, type Place, type StatementResult } from "../engines/types";
import { type Runtime, runtime } from "../runtime";
import { anyRun, readable } from "./access";
import { attributionOf } from "./attribution";
import type { RunRecord } from "./catalog";
import { saveRunEnd } from "./final-save";
import {
  type ActiveRun,
  active,
  admit,
  granted,
  notify,
  refuseWhileStopping,
  type StopReason,
  waitFor,
} from "./registry";
import type { ResultWriter } from "./result-store";
import { waitMessage } from "./slots";
import {
  MAX_LISTED_STATEMENTS,
  newRunId,
  skippedStatements,
  startedStatement,
  statementPositions,
  statementRun,
} from "./statements";
import { outcomeOf, storeRows } from "./store-rows";
import { armStatementTimeout, timedOut, timeoutMessage } from "./timeout";
import { runView } from "./view";

/** How long starting a run waits for its first page before answering "running". */
const FIRST_PAGE_WAIT_MS = 2_000;
/** Longest a status request waits for news. */
const MAX_WAIT_MS = 1_000;

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
  /** Where the session starts (an editor tab's catalog and schema); the connection's default when absent. */
  place?: Place | null;
  /** Told where the session ended up, when a statement may have moved it (USE) or it started in `place`. */
  onPlace?: (place: Place) => Promise<void>;
  /** Values of the text's `:name` parameters; each one in the text must have a valid value. */
  parameters?: ParameterSpec[];
}

export async function startRun(
  actor: Caller,
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
  const parameters = parameterValues(input.sql, engine.dialect, input.parameters ?? []);
  // From here to active.set nothing awaits: parallel calls see each other's lane and slot.
  const lane = `${actor.id}:${input.lane}`;
  const slot = admit(actor.id, lane);

  const record: RunRecord = {
    id: newRunId(),
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
    statements: [],
    error: null,
    startedAt: new Date(),
    finishedAt: null,
    firstPageMs: null,
    parameters: [...parameters.values()],
    ranAs: engine.ranAs ?? null,
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
  void execute(rt, engine, run, statements, input, parameters);

  // A run that waits for a slot answers at once, so that the editor can say so.
  await waitFor(
    run,
    () => record.status !== "running" || record.firstPageMs !== null || slot.state === "waiting",
    FIRST_PAGE_WAIT_MS,
  );
  const page =
    input.pageSize > 0 && record.columns.length > 0 && record.rowCount > 0
      ? await rt.store.page(record.id, record.columns.length, { offset: 0, limit: input.pageSize })
      : null;
  return { run: runView(record, record.owner), page };
}

async function execute(
  rt: Runtime,
  engine: Engine,
  run: ActiveRun,
  statements: Statement[],
  { place, onPlace }: Pick<StartRunInput, "place" | "onPlace">,
  parameters: ReadonlyMap<string, ParameterSpec>,
): Promise<void> {
  const { record, controller, slot } = run;
  let session: EngineSession | null = null;
  // The statement running now, the record its rows go to (the script's own, or an earlier statement's), and their writer.
  let current: Statement = statements[0];
  // Its text as the engine got it, when parameter markers were rewritten: errors point into that text.
  let currentBound: BoundStatement | null = null;
  let target: RunRecord = record;
  let writer: ResultWriter | null = null;
  let outcome: RunRecord["status"] = "failed";
  let disarm = () => {};
  const listed = statements.length > 1 ? statements.slice(0, MAX_LISTED_STATEMENTS) : [];
  const positions = statementPositions(record.sql, listed);
  const views: StatementView[] = [];
  record.statements = views;
  // Statements that ran to the end without parameter values: their SETs hold for the tab's next run.
  const settled: string[] = [];
  try {
    const admitted = await granted(slot, controller.signal);
    record.message = null;
    if (!admitted) throw new EngineError("Query cancelled", { cancelled: true });
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
    // Databricks shows who ran what from Lakebook in its query history (query tags).
    const attribution = engine.dialect === "databricks" ? await attributionOf(rt, record) : undefined;
    session = await engine.openSession(progress, place, attribution);
    for (const [index, statement] of statements.entries()) {
      current = statement;
      const began = Date.now();
      const view = index < positions.length ? startedStatement(positions[index]) : null;
      if (view) views.push(view);
      // Markers become the engine's (one per value of a multi-select); values go beside the text.
      const bound = parameters.size > 0 ? bindStatement(statement.text, engine.dialect, parameters) : null;
      currentBound = bound;
      const result: StatementResult = await session.execute(
        bound?.text ?? statement.text,
        controller.signal,
        progress,
        bound?.values,
      );
      if (waitingMessage !== null && record.message === waitingMessage) record.message = null;
      if (!bound?.values.length) settled.push(statement.text);
      const last = index === statements.length - 1;
      if (result.kind !== "rows") {
        record.message = summary(result, index, statements.length);
        if (view)
          Object.assign(view, { status: "succeeded", message: outcomeOf(result), elapsedMs: Date.now() - began });
        continue;
      }
      // The last statement's rows are the run's own; an earlier one's are kept while the script lists it.
      if (!last && !view) continue;
      if (last) record.message = statements.length > 1 ? `${statements.length} statements run.` : null;
      target = last ? record : statementRun(record, statement);
      if (!last) await rt.catalog.save(target);
      if (view) view.resultId = target.id;
      writer = await storeRows(rt, run, target, result, view);
      if (!last) {
        await writer.close();
        writer = null;
        Object.assign(target, { status: "succeeded", finishedAt: new Date() });
        await saveRunEnd(rt.catalog, target);
      }
      if (view) Object.assign(view, { status: "succeeded", rowCount: target.rowCount, elapsedMs: Date.now() - began });
    }
    outcome = "succeeded";
  } catch (error) {
    if (writer) {
      // Keep what was stored before the failure or cancel visible.
      await writer.finish().catch((e) => console.error("run cleanup failed:", e));
      target.rowCount = writer.visibleRows;
    }
    const stopped = timedOut(controller.signal, error);
    const cancelled = !stopped && EngineError.is(error) && error.details.cancelled === true;
    outcome = cancelled ? "cancelled" : "failed";
    if (stopped) record.error = { message: timeoutMessage() };
    else if (cancelled) record.message = (controller.signal.reason as Partial<StopReason>)?.note ?? record.message;
    else record.error = runError(error, record.sql, current, currentBound);
    // The statement that stopped says how, and those after it did not run.
    const stoppedAt = views.at(-1);
    if (stoppedAt?.status === "running") Object.assign(stoppedAt, { status: outcome, rowCount: target.rowCount });
    views.push(...skippedStatements(positions, views.length));
  } finally {
    disarm();
    await writer?.close().catch((e) => console.error("run cleanup failed:", e));
    if (session && onPlace && (place || statements.some((s) => changesSession(s.text, engine.dialect)))) {
      const at = await session.place().catch(() => null);
      const settings = heldSettings(at?.settings ?? [], settled, engine.dialect);
      const now = at && { catalog: at.catalog, schema: at.schema, ...(settings.length > 0 ? { settings } : {}) };
      if (now) {
        record.place = now;
        await onPlace(now).catch((e) => console.error("could not keep the tab's place:", e));
      }
    }
    await session?.close().catch(() => {});
    // The engine is done with it (or never started): the next run may go.
    slot.release();
    const finishedAt = new Date();
    if (target !== record && target.status === "running")
      await saveRunEnd(rt.catalog, { ...target, status: outcome, finishedAt, error: record.error });
    record.firstPageMs ??= record.columns.length > 0 ? finishedAt.getTime() - record.startedAt.getTime() : null;
    // The end becomes visible only once it is stored (retried until it is), so whoever sees it can rely on it.
    await saveRunEnd(rt.catalog, { ...record, status: outcome, finishedAt });
    record.status = outcome;
    record.finishedAt = finishedAt;
    active.delete(record.id);
    notify(run);
  }
}

/**
 * The spec of each parameter in `sql`, checked: a run starts only when every
 * `:name` in the text has a value of its type (the editor's widgets refuse
 * the same values; this is the server's own check).
 */
function parameterValues(sql: string, dialect: Engine["dialect"], given: ParameterSpec[]): Map<string, ParameterSpec> {
  const names = findParameters(sql, dialect);
  const out = new Map<string, ParameterSpec>();
  if (names.length === 0) return out;
  if (names.length > MAX_PARAMETERS)
    throw new UserError(`The query has ${names.length} parameters; the limit is ${MAX_PARAMETERS}.`);
  const byName = new Map(given.map((spec) => [spec.name, spec]));
  for (const name of names) {
    const spec = byName.get(name);
    if (!spec) throw new UserError(`Give the parameter ${markerText(name)} a value.`);
    const problem = specProblem(spec) ?? valueProblem(spec);
    if (problem) throw new UserError(`Parameter ${markerText(name)}: ${problem}`);
    out.set(name, spec);
  }
  return out;
}

function summary(result: Exclude<StatementResult, { kind: "rows" }>, index: number, count: number): string {
  const what = outcomeOf(result);
  return count > 1 ? `${index + 1} of ${count} statements run. Last: ${what}` : what;
}

function runError(error: unknown, sql: string, statement: Statement, bound: BoundStatement | null): RunError {
  if (!EngineError.is(error)) {
    console.error("run failed unexpectedly:", error);
    return { message: "The query failed because of an internal error. It has been logged." };
  }
  const out: RunError = { message: error.message };
  if (error.details.sqlState) out.sqlState = error.details.sqlState;
  const { position, at } = error.details;
  const ran = bound?.text ?? statement.text;
  const inStatement = (offset: number) => statement.offset + (bound ? sourceOffset(bound, offset) : offset);
  if (position !== undefined) {
    Object.assign(out, lineColumnAt(sql, inStatement(utf16OffsetOfByte(ran, position))));
  } else if (at) {
    Object.assign(out, lineColumnAt(sql, inStatement(offsetAt(ran, at.line, at.column))));
  }
  return out;
}

/**
 * Stops a run, waiting or running: its member may, and so may an admin
 * (whose History lists everyone's running queries).
 */
export async function cancelRun(actor: Caller, id: string): Promise<RunView> {
  const run = active.get(id);
  const record = actor.role === "admin" ? (run?.record ?? (await anyRun(id))) : await readable(actor, id);
  if (record.owner !== actor.id && actor.role !== "admin")
    throw new UserError("Only the person who started a run, or an admin, can cancel it.", "forbidden");
  if (run) {
    run.controller.abort(record.owner === actor.id ? undefined : ({ note: "Cancelled by an admin." } as StopReason));
    await waitFor(run, () => run.record.status !== "running", 5_000);
    return runView(run.record, actor.id);
  }
  return runView(record, actor.id);
}

/**
 * The run's state, waiting up to `waitMs` for news: a status change or more
 * stored rows than `knownRows`.
 */
export async function runState(actor: Caller, id: string, knownRows: number, waitMs: number): Promise<RunView> {
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
  return runView(record, actor.id);
}

/**
 * The run's state once it has ended, or after `waitMs` (for the API's long
 * poll): wakes as soon as it ends, and stops waiting when `signal` aborts.
 */
export async function runEnded(actor: Caller, id: string, waitMs: number, signal?: AbortSignal): Promise<RunView> {
  const record = await readable(actor, id);
  const run = active.get(id);
  if (run && waitMs > 0 && !signal?.aborted) {
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    await Promise.race([waitFor(run, () => record.status !== "running", waitMs), aborted]);
    signal?.removeEventListener("abort", onAbort);
  }
  return runView(record, actor.id);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
