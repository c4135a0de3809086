import "server-only";
import type { RunError, StatementView } from "@/lib/results/types";
import { type BoundStatement, bindStatement, sourceOffset } from "@/lib/sql/parameter-binding";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { heldSettings } from "@/lib/sql/settings";
import { lineColumnAt, offsetAt, type Statement, utf16OffsetOfByte } from "@/lib/sql/split";
import { changesSession } from "@/lib/sql/statement-kind";
import { type Engine, EngineError, type EngineSession, type StatementResult } from "../engines/types";
import type { Runtime } from "../runtime";
import { attributionOf } from "./attribution";
import type { RunRecord } from "./catalog";
import { saveRunEnd } from "./final-save";
import type { StartRunInput } from "./lifecycle";
import { type ActiveRun, active, granted, notify, type StopReason } from "./registry";
import type { ResultWriter } from "./result-store";
import {
  MAX_LISTED_STATEMENTS,
  skippedStatements,
  startedStatement,
  statementPositions,
  statementRun,
} from "./statements";
import { outcomeOf, storeRows } from "./store-rows";
import { armStatementTimeout, timedOut, timeoutMessage } from "./timeout";

/**
 * A started run's statements, executed in the background (startRun in
 * lifecycle.ts does not wait for them): one engine session once the run's
 * slot is granted, each statement's rows stored, and the run's end recorded
 * whatever happens.
 */

export async function execute(
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
