import "server-only";
import type { RunView } from "@/lib/results/types";
import type { RunRecord } from "./catalog";
import { active } from "./registry";

/** What the browser is sent of a run. */
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
    statements: record.statements ?? [],
    error: record.error,
    startedAt: record.startedAt.toISOString(),
    elapsedMs: end - record.startedAt.getTime(),
    firstPageMs: record.firstPageMs,
    place: record.place ?? null,
    parameters: record.parameters ?? [],
  };
}
