"use client";

import { useState } from "react";
import { ResultChart } from "@/components/charts/ResultChart";
import type { ResultsPanelProps } from "@/components/results/ResultsPanel";
import { RunResults } from "@/components/results/RunResults";
import { defaultChartSpec } from "@/lib/charts/default-spec";
import type { ChartSpec } from "@/lib/notebooks/types";

/**
 * Under the editor: the run's results, or its chart. The chart is part of the
 * tab's draft and saved with the query, so its viewers see it over the last
 * result; it is drawn on the server from the stored result, as a notebook
 * cell's is. A tab that has a chart opens on it, as long as the result has
 * the chart's columns: after a run of other SQL the results (and their
 * status) show, and the Chart tab is still there to choose.
 */
export function TabResults({
  results,
  chart,
  canEdit,
  onChart,
}: {
  results: ResultsPanelProps;
  chart: ChartSpec | null;
  canEdit: boolean;
  onChart(chart: ChartSpec | null): void;
}) {
  const [view, setView] = useState<"results" | "chart">(chart ? "chart" : "results");
  // Chosen by a click on the Chart tab (rather than the tab opening on its chart): shown even when it does not fit.
  const [chosen, setChosen] = useState(false);
  const [editing, setEditing] = useState(false);
  const run = results.state.run;
  const chartable = run?.status === "succeeded" && run.columns.length > 0 && run.resultRemoved === null;
  const switchable = chartable && (canEdit || chart !== null);
  const fits = chart === null || (run !== null && chartFits(chart, run.columns));
  const showChart = switchable && view === "chart" && (fits || chosen);

  const openChart = () => {
    setView("chart");
    setChosen(true);
    if (chart || !canEdit || !run) return;
    onChart(defaultChartSpec(run.columns));
    setEditing(true);
  };

  return (
    <div className="tab-results">
      {switchable && (
        <div className="result-views" role="tablist" aria-label="Result view">
          <button
            type="button"
            role="tab"
            aria-selected={!showChart}
            onClick={() => {
              setView("results");
              setChosen(false);
            }}
          >
            Results
          </button>
          <button type="button" role="tab" aria-selected={showChart} onClick={openChart}>
            Chart
          </button>
        </div>
      )}
      {showChart && run ? (
        <section className="results chart-results" aria-label="Chart" data-run-id={run.id}>
          <ResultChart
            runId={run.id}
            columns={run.columns}
            spec={chart}
            editing={editing && canEdit}
            canEdit={canEdit}
            onEdit={setEditing}
            onChange={(next) => {
              onChart(next);
              if (!next) setView("results");
            }}
          />
        </section>
      ) : (
        <RunResults {...results} />
      )}
    </div>
  );
}

/** Whether every column the chart names is in the result. */
function chartFits(chart: ChartSpec, columns: { name: string }[]): boolean {
  const names = new Set(columns.map((c) => c.name));
  return [chart.x, ...chart.y, ...(chart.group ? [chart.group] : [])].every((name) => names.has(name));
}
