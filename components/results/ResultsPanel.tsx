"use client";

import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { formatCount, formatDuration } from "@/lib/results/format";
import type { PageSize } from "@/lib/results/paging";
import { CellDialog, type OpenCell } from "./CellDialog";
import { DownloadAllRows } from "./DownloadAllRows";
import { DownloadMenu } from "./DownloadMenu";
import { Pagination } from "./Pagination";
import { RanWith } from "./RanWith";
import { ResultGrid } from "./ResultGrid";
import type { RunnerState } from "./useRun";

export interface ResultsPanelProps {
  state: RunnerState;
  elapsedMs: number;
  onPage(pageIndex: number, pageSize: PageSize): void;
  onSort(sort: RunnerState["sort"]): void;
  /** What an empty results area says (e.g. to someone who may not run the query). */
  emptyMessage?: string;
}

/** Everything below the editor: run status, messages, errors, the grid and its pages. */
export function ResultsPanel({ state, elapsedMs, onPage, onSort, emptyMessage }: ResultsPanelProps) {
  const { run, page } = state;
  const [openCell, setOpenCell] = useState<OpenCell | null>(null);
  const clipped = useMemo(() => new Set(page?.clipped ?? []), [page]);

  if (!run) {
    return (
      <section className="results empty-state" aria-label="Results">
        <Alert>{state.problem}</Alert>
        <p className="muted">
          {emptyMessage ?? "Run a query to see its results here. Press Ctrl+Enter (⌘+Enter on a Mac) in the editor."}
        </p>
      </section>
    );
  }

  const running = run.status === "running";
  // A result removed from the store keeps its run (status, counts) but has no rows to show.
  const hasRows = run.columns.length > 0 && run.resultRemoved === null;
  return (
    <section className="results" aria-label="Results" data-run-id={run.id}>
      <div className="result-bar">
        <span className={`status status-${run.status}`} role="status">
          {run.waiting ? "Waiting…" : statusText(run.status)}
        </span>
        {hasRows && (
          <span>
            {formatCount(run.rowCount)} {run.rowCount === 1 ? "row" : "rows"}
            {running ? " so far" : run.status === "failed" ? " before the error" : ""}
          </span>
        )}
        <span>{formatDuration(running ? elapsedMs : run.elapsedMs)}</span>
        {run.firstPageMs !== null && hasRows && (
          <span className="muted">first page in {formatDuration(run.firstPageMs)}</span>
        )}
        <span className="spacer" />
        {hasRows && !running && <DownloadMenu runId={run.id} rowCount={run.rowCount} />}
      </div>
      <Alert>{state.problem}</Alert>
      {(run.parameters ?? []).length > 0 && <RanWith parameters={run.parameters} />}
      {run.resultRemoved && (
        <p className="notice" role="note">
          {run.resultRemoved === "space"
            ? "Result removed to free space — run again to see it."
            : "This result has expired and is no longer stored — run again to see it."}
        </p>
      )}
      {run.truncated && !run.resultRemoved && (
        <div className="notice" role="note">
          {run.truncatedBy === "budget"
            ? `Truncated: storage budget. ${formatCount(run.rowCount)} rows were stored; the server has no more room for results, even after removing older ones.`
            : `Result truncated at ${formatCount(run.rowCount)} rows: the server stores at most this much of one result.`}
          {!running && (
            <>
              {" "}
              <DownloadAllRows runId={run.id} /> (runs the query again and streams its rows without storing them).
            </>
          )}
        </div>
      )}
      {run.error && (
        <div className="error-panel" role="alert">
          <strong>Query failed</strong>
          {run.error.line !== undefined && (
            <span className="muted">
              {" "}
              at line {run.error.line}, column {run.error.column}
            </span>
          )}
          {run.error.sqlState && <span className="muted"> (SQLSTATE {run.error.sqlState})</span>}
          <pre>{run.error.message}</pre>
        </div>
      )}
      {run.message && <p className="message">{run.message}</p>}
      {run.status === "cancelled" && <p className="notice">Query cancelled.</p>}
      {hasRows && (
        <>
          <ResultGrid
            columns={run.columns}
            rows={page?.rows ?? []}
            rowCount={run.rowCount}
            rowOffset={page?.offset ?? 0}
            pageIndex={state.pageIndex}
            pageSize={state.pageSize}
            sort={state.sort}
            canSort={!running}
            clipped={clipped}
            onPaginationChange={(p) => onPage(p.pageIndex, p.pageSize as PageSize)}
            onSortChange={onSort}
            onOpenCell={(r, c) =>
              page &&
              setOpenCell({
                runId: run.id,
                rowId: page.rowIds[r],
                column: c,
                columnName: run.columns[c].name,
                value: page.rows[r][c],
                clipped: clipped.has(`${r}:${c}`),
              })
            }
          />
          <Pagination
            pageIndex={state.pageIndex}
            pageSize={state.pageSize}
            rowCount={run.rowCount}
            busy={state.loadingPage}
            onChange={onPage}
          />
        </>
      )}
      <CellDialog cell={openCell} onClose={() => setOpenCell(null)} />
    </section>
  );
}

function statusText(status: string): string {
  switch (status) {
    case "running":
      return "Running…";
    case "succeeded":
      return "Succeeded";
    case "failed":
      return "Failed";
    default:
      return "Cancelled";
  }
}
