"use client";

import { useId } from "react";
import { defaultChartSpec } from "@/lib/charts/default-spec";
import { AGGREGATES, type Aggregate, CHART_KINDS, type ChartKind, type ChartSpec } from "@/lib/notebooks/types";
import { columnKind } from "@/lib/results/format";
import type { ColumnKind, ResultColumn } from "@/lib/results/types";
import "./charts.css";

const KIND_LABELS: Record<ChartKind, string> = {
  bar: "Bar",
  line: "Line",
  area: "Area",
  scatter: "Scatter",
  pie: "Pie",
};
const AGGREGATE_LABELS: Record<Aggregate, string> = {
  none: "None (plot rows)",
  sum: "Sum",
  avg: "Average",
  count: "Count",
  min: "Min",
  max: "Max",
};

export interface ChartEditorProps {
  columns: ResultColumn[];
  value: ChartSpec | null;
  onChange(spec: ChartSpec | null): void;
  disabled?: boolean;
}

/** Chooses a chart for a result by column name: names, not positions, survive a re-run. */
export function ChartEditor({ columns, value, onChange, disabled = false }: ChartEditorProps) {
  const id = useId();
  if (!value) {
    const initial = defaultChartSpec(columns);
    return (
      <button type="button" disabled={disabled || !initial} onClick={() => initial && onChange(initial)}>
        Add chart
      </button>
    );
  }
  // Names may repeat in a result; the chart uses the first column of a name, as the server does.
  const kinds = new Map<string, ColumnKind>();
  for (const c of columns) if (!kinds.has(c.name)) kinds.set(c.name, columnKind(c.type));
  const names = [...kinds.keys()];
  const missing = value.y.filter((y) => !kinds.has(y));
  const yChoices = [
    ...names.filter((n) => value.aggregate === "count" || kinds.get(n) === "number" || value.y.includes(n)),
    ...missing,
  ];
  const set = (patch: Partial<ChartSpec>) => onChange({ ...value, ...patch });
  // Only counting takes text columns: leaving it drops them from y (unless nothing would be left).
  const setAggregate = (aggregate: Aggregate) => {
    const numbers = value.y.filter((n) => kinds.get(n) === "number");
    set({ aggregate, y: aggregate === "count" || numbers.length === 0 ? value.y : numbers });
  };
  const toggle = (name: string, on: boolean) =>
    set({ y: [...names, ...missing].filter((n) => (n === name ? on : value.y.includes(n))) });

  return (
    <fieldset className="chart-editor" disabled={disabled}>
      <legend className="sr-only">Chart settings</legend>
      <div className="chart-field">
        <label htmlFor={`${id}-kind`}>Chart type</label>
        <select id={`${id}-kind`} value={value.kind} onChange={(e) => set({ kind: e.target.value as ChartKind })}>
          {CHART_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="chart-field">
        <label htmlFor={`${id}-x`}>X axis</label>
        <select id={`${id}-x`} value={value.x} onChange={(e) => set({ x: e.target.value })}>
          <ColumnOptions names={names} current={value.x} />
        </select>
      </div>
      <fieldset className="chart-field chart-y">
        <legend>Y axis</legend>
        {yChoices.length === 0 && <span className="muted small">No number columns: choose Count.</span>}
        {yChoices.map((name) => (
          <label key={name} className="chart-check">
            <input type="checkbox" checked={value.y.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
            {kinds.has(name) ? name : `${name} (not in result)`}
          </label>
        ))}
      </fieldset>
      {value.kind !== "pie" && (
        <div className="chart-field">
          <label htmlFor={`${id}-group`}>Group by</label>
          <select id={`${id}-group`} value={value.group ?? ""} onChange={(e) => set({ group: e.target.value || null })}>
            <option value="">None</option>
            <ColumnOptions names={names} current={value.group} />
          </select>
        </div>
      )}
      <div className="chart-field">
        <label htmlFor={`${id}-aggregate`}>Aggregate</label>
        <select
          id={`${id}-aggregate`}
          value={value.aggregate}
          onChange={(e) => setAggregate(e.target.value as Aggregate)}
        >
          {AGGREGATES.map((a) => (
            <option key={a} value={a}>
              {AGGREGATE_LABELS[a]}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="link chart-remove" onClick={() => onChange(null)}>
        Remove chart
      </button>
    </fieldset>
  );
}

/** The result's column names, plus a saved name the result no longer has (so the select shows it). */
function ColumnOptions({ names, current }: { names: string[]; current: string | null }) {
  return (
    <>
      {current !== null && !names.includes(current) && <option value={current}>{current} (not in result)</option>}
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </>
  );
}
