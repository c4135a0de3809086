import "server-only";
import { UserError } from "@/lib/action-result";
import type { Page, RunView } from "@/lib/results/types";
import {
  findParameters,
  MAX_PARAMETERS,
  markerText,
  type ParameterSpec,
  specProblem,
  valueProblem,
} from "@/lib/sql/parameters";
import { splitStatements } from "@/lib/sql/split";
import type { Caller } from "../auth/caller";
import { config } from "../config";
import type { Engine, Place } from "../engines/types";
import { type Runtime, runtime } from "../runtime";
import { anyRun, readable } from "./access";
import type { RunRecord } from "./catalog";
import { execute } from "./execute";
import { type ActiveRun, active, admit, notify, refuseWhileStopping, type StopReason, waitFor } from "./registry";
import { waitMessage } from "./slots";
import { newRunId } from "./statements";
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
      ? await rt.store.page(record.id, { offset: 0, limit: input.pageSize })
      : null;
  return { run: runView(record, record.owner), page };
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
