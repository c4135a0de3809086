"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ConnectLink } from "@/components/connections/ConnectLink";
import { Alert } from "@/components/ui/Alert";
import { isFiltered, type ResultFilter } from "@/lib/results/filters";
import { formatCount, formatDuration } from "@/lib/results/format";
import type { PageSize } from "@/lib/results/paging";
import { readCell } from "@/lib/results/reads";
import { CellDialog, type OpenCell } from "./CellDialog";
import { DownloadAllRows } from "./DownloadAllRows";
import { DownloadMenu } from "./DownloadMenu";
import { FilterChips, ResultSearch } from "./FilterBar";
import { type FilterAnchor, FilterPopover } from "./FilterPopover";
import { Pagination } from "./Pagination";
import { placePopover } from "./popover-place";
import { RanWith } from "./RanWith";
import { type GridCopy, ResultGrid } from "./ResultGrid";
import type { RunnerState } from "./useRun";

export interface ResultsPanelProps {
  state: RunnerState;
  elapsedMs: number;
  onPage(pageIndex: number, pageSize: PageSize): void;
  onSort(sort: RunnerState["sort"]): void;
  /** Filters the whole result (offered once the run has ended); without it, no filters. */
  onFilter?(filter: ResultFilter): void;
  /** What an empty results area says (e.g. to someone who may not run the query). */
  emptyMessage?: string;
}

/** Everything below the editor: run status, messages, errors, the grid and its pages. */
export function ResultsPanel({ state, elapsedMs, onPage, onSort, onFilter, emptyMessage }: ResultsPanelProps) {
  const { run, page, filter } = state;
  const [openCell, setOpenCell] = useState<OpenCell | null>(null);
  const [filtering, setFiltering] = useState<FilterAnchor | null>(null);
  const clipped = useMemo(() => new Set(page?.clipped ?? []), [page]);
  const filteredColumns = useMemo(() => new Set(filter.columns.map((f) => f.column)), [filter]);
  const closeFilter = useCallback(() => setFiltering(null), []);
  const grid = useRef<GridCopy>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 4000);
    return () => clearTimeout(timer);
  }, [copied]);

  if (!run) {
    return (
      <section className="results empty-state" aria-label="Results">
        <Problem state={state} />
        <p className="muted">
          {emptyMessage ?? "Run a query to see its results here. Press Ctrl+Enter (⌘+Enter on a Mac) in the editor."}
        </p>
      </section>
    );
  }

  const running = run.status === "running";
  // A result removed from the store keeps its run (status, counts) but has no rows to show.
  const hasRows = run.columns.length > 0 && run.resultRemoved === null;
  const canFilter = Boolean(onFilter) && hasRows && !running;
  const filtered = isFiltered(filter);
  // While a filter's rows are counted, the pager knows only that a full page may have more after it.
  const shownRows = page ? page.offset + page.rows.length + (page.rows.length === state.pageSize ? 1 : 0) : 0;
  const pagerRows = filtered ? (state.filteredRows ?? shownRows) : run.rowCount;
  return (
    <section className="results" aria-label="Results" data-run-id={run.id}>
      <div className="result-bar">
        <span className={`status status-${run.status}`} role="status">
          {run.waiting ? "Waiting…" : statusText(run.status)}
        </span>
        {hasRows && !filtered && (
          <span>
            {formatCount(run.rowCount)} {run.rowCount === 1 ? "row" : "rows"}
            {running ? " so far" : run.status === "failed" ? " before the error" : ""}
          </span>
        )}
        {hasRows && filtered && (
          <span data-testid="filtered-count">
            {state.filteredRows === null ? "counting…" : formatCount(state.filteredRows)} of {formatCount(run.rowCount)}{" "}
            {run.rowCount === 1 ? "row" : "rows"}
          </span>
        )}
        <span>{formatDuration(running ? elapsedMs : run.elapsedMs)}</span>
        {run.firstPageMs !== null && hasRows && (
          <span className="muted">first page in {formatDuration(run.firstPageMs)}</span>
        )}
        <span className="spacer" />
        {copied && (
          <span className="muted" role="status">
            {copied}
          </span>
        )}
        {hasRows && (page?.rows.length ?? 0) > 0 && (
          <span className="copy-buttons">
            <button
              type="button"
              onClick={() => void grid.current?.copy("tsv")}
              title="The selected cells (or the page) with their column names, as tab-separated text for a spreadsheet"
            >
              Copy
            </button>
            <button
              type="button"
              onClick={() => void grid.current?.copy("markdown")}
              title="The selected cells (or the page) as a Markdown table"
            >
              Copy as Markdown
            </button>
          </span>
        )}
        {canFilter && onFilter && <ResultSearch filter={filter} onChange={onFilter} />}
        {hasRows && !running && (
          <DownloadMenu
            runId={run.id}
            rowCount={run.rowCount}
            view={{ filter, sort: state.sort, rows: filtered ? state.filteredRows : run.rowCount }}
          />
        )}
      </div>
      <Problem state={state} />
      {(run.parameters ?? []).length > 0 && <RanWith parameters={run.parameters} />}
      {run.ranAs && (
        <p className="ran-as muted" data-testid="ran-as">
          Ran as {run.ranAs.workspaceUser} ({run.ranAs.byViewer ? "your" : "their"} own Databricks sign-in)
        </p>
      )}
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
      {canFilter && onFilter && <FilterChips filter={filter} columns={run.columns} onChange={onFilter} />}
      {hasRows && filtered && page?.rows.length === 0 && !state.loadingPage && (
        <p className="message">No row matches the filters.</p>
      )}
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
            copyRef={grid}
            onCopied={setCopied}
            fullCell={async (r, c) => {
              if (!page) return null;
              const whole = await readCell(run.id, page.rowIds[r], c);
              if (!whole.ok) throw new Error(whole.error);
              return whole.data;
            }}
            filteredColumns={filteredColumns}
            onFilterColumn={
              canFilter
                ? (column, button) => {
                    // Below the header cell, or above it: never over the column's own name.
                    const { left, bottom } = button.getBoundingClientRect();
                    const { top } = (button.closest("th") ?? button).getBoundingClientRect();
                    const view = { width: window.innerWidth, height: window.innerHeight };
                    setFiltering({ column, ...placePopover({ left, top, bottom }, view) });
                  }
                : undefined
            }
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
            rowCount={pagerRows}
            busy={state.loadingPage}
            onChange={onPage}
          />
        </>
      )}
      <CellDialog cell={openCell} onClose={() => setOpenCell(null)} />
      {filtering && onFilter && run.columns[filtering.column] && (
        <FilterPopover
          runId={run.id}
          anchor={filtering}
          column={run.columns[filtering.column]}
          filter={filter}
          onClose={closeFilter}
          onApply={(next) => {
            setFiltering(null);
            onFilter(next);
          }}
        />
      )}
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

/** A failure to start or read the run; "Connect with Databricks" when it asks for the member's own sign-in. */
function Problem({ state }: { state: RunnerState }) {
  if (!state.problem) return null;
  return (
    <div className="run-problem">
      <Alert>{state.problem}</Alert>
      {state.connectFirst && (
        <p>
          <ConnectLink connectionId={state.connectFirst} />
        </p>
      )}
    </div>
  );
}
