import "server-only";
import type { StatementView } from "@/lib/results/types";
import { config } from "../config";
import type { StatementResult } from "../engines/types";
import { yieldToReads } from "../foreground";
import type { Runtime } from "../runtime";
import type { RunRecord } from "./catalog";
import { type ActiveRun, notify } from "./registry";
import type { ResultWriter } from "./result-store";

/** Waiting status requests hear about more stored rows at most this often. */
const PROGRESS_INTERVAL_MS = 400;

/**
 * Stores a statement's rows as `target`'s result (the run's own, or an earlier
 * statement's), up to the caps; returns the finished writer, still open.
 */
export async function storeRows(
  rt: Runtime,
  run: ActiveRun,
  target: RunRecord,
  result: Extract<StatementResult, { kind: "rows" }>,
  view: StatementView | null,
): Promise<ResultWriter> {
  const { record } = run;
  const limits = config();
  let notifiedAt = 0;
  const stored = await rt.store.createWriter(
    target.id,
    target.owner,
    result.columns,
    { maxRows: limits.LAKEBOOK_RESULT_MAX_ROWS, maxBytes: limits.LAKEBOOK_RESULT_MAX_BYTES },
    () => {
      // More rows are readable: the first page at once, then progress now and then.
      target.rowCount = stored.visibleRows;
      if (view) view.rowCount = stored.visibleRows;
      const now = performance.now();
      if (target.firstPageMs !== null && now - notifiedAt < PROGRESS_INTERVAL_MS) return;
      target.firstPageMs ??= Date.now() - target.startedAt.getTime();
      notifiedAt = now;
      notify(run);
    },
  );
  target.columns = result.columns.map(({ name, type }) => ({ name, type }));
  if (target !== record) await rt.catalog.save(target);
  try {
    for await (const chunk of result.batches) {
      await yieldToReads();
      if (!(await stored.append(chunk))) {
        // The cap is reached: stop reading; closing the session ends the statement.
        target.truncated = true;
        target.cutByBudget = stored.cut === "budget";
        break;
      }
    }
  } catch (error) {
    // The statement failed (or was cancelled) while its rows streamed: the rows
    // before it stay, all of them readable and counted before the run's end is
    // saved, and the writer is closed here, since the caller never receives it.
    await stored.finish().catch((e) => console.error("run cleanup failed:", e));
    target.rowCount = stored.visibleRows;
    if (view) view.rowCount = stored.visibleRows;
    await stored.close().catch((e) => console.error("run cleanup failed:", e));
    throw error;
  }
  await stored.finish();
  target.rowCount = stored.visibleRows;
  return stored;
}

/** What a statement without rows did, in a few words. */
export function outcomeOf(result: Exclude<StatementResult, { kind: "rows" }>): string {
  return result.kind === "changed"
    ? `${result.statement}: ${result.rowsAffected.toLocaleString("en-US")} ${result.rowsAffected === 1 ? "row" : "rows"} affected.`
    : `${result.statement}: done.`;
}
