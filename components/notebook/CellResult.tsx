"use client";

import { useState } from "react";
import { ResultChart } from "@/components/charts/ResultChart";
import { RunResults } from "@/components/results/RunResults";
import type { RunnerState } from "@/components/results/useRun";
import { defaultChartSpec } from "@/lib/charts/default-spec";
import type { ChartSpec, NotebookCell } from "@/lib/notebooks/types";
import type { ResultFilter } from "@/lib/results/filters";
import type { PageSize } from "@/lib/results/paging";
import { formatTime } from "@/lib/time";

/** A SQL cell's result: who ran it and when, the paginated grid with CSV download, and its chart. */
export function CellResult({
  cell,
  state,
  elapsedMs,
  ranBy,
  canEdit,
  onPage,
  onSort,
  onFilter,
  onChart,
}: {
  cell: NotebookCell;
  state: RunnerState;
  elapsedMs: number;
  ranBy: string | null;
  canEdit: boolean;
  onPage(pageIndex: number, pageSize: PageSize): void;
  onSort(sort: RunnerState["sort"]): void;
  onFilter(filter: ResultFilter): void;
  onChart(chart: ChartSpec | null): void;
}) {
  const [editingChart, setEditingChart] = useState(false);
  const run = state.run;
  const chartable = run?.status === "succeeded" && run.columns.length > 0 && run.resultRemoved === null;
  return (
    <div className="cell-result">
      {run && ranBy && run.status !== "running" && (
        <p className="muted small cell-provenance">
          Stored result: run by {ranBy} at {formatTime(run.startedAt)}
          {run.truncated ? " (truncated)" : ""}.
        </p>
      )}
      <RunResults state={state} elapsedMs={elapsedMs} onPage={onPage} onSort={onSort} onFilter={onFilter} />
      {chartable && run && (cell.chart || editingChart) && (
        <ResultChart
          runId={run.id}
          columns={run.columns}
          spec={cell.chart}
          editing={editingChart && canEdit}
          canEdit={canEdit}
          onEdit={setEditingChart}
          onChange={onChart}
        />
      )}
      {chartable && run && canEdit && !cell.chart && !editingChart && (
        <button
          type="button"
          className="add-chart"
          onClick={() => {
            onChart(defaultChartSpec(run.columns));
            setEditingChart(true);
          }}
        >
          Add chart
        </button>
      )}
    </div>
  );
}
