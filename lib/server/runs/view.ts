import "server-only";
import type { Place, RunView } from "@/lib/results/types";
import type { RunRecord } from "./catalog";
import { active } from "./registry";

/**
 * What the browser of `viewer` is sent of a run. The SETs that hold in its
 * place are its owner's own text (a setting may carry a secret): nobody else
 * is sent them.
 */
export function runView(record: RunRecord, viewer: string): RunView {
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
    place: record.place ? placeFor(record.place, record.owner === viewer) : null,
    parameters: record.parameters ?? [],
    ranAs: record.ranAs ? { workspaceUser: record.ranAs, byViewer: record.owner === viewer } : null,
  };
}

function placeFor({ catalog, schema, settings }: Place, owner: boolean): Place {
  return owner && settings ? { catalog, schema, settings } : { catalog, schema };
}
