"use client";

import type { ReactElement } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { chartCaption, chartLabel } from "@/lib/charts/describe";
import type { ChartData, ChartPoint } from "@/lib/charts/types";
import "./charts.css";

/** Readable on white; lines past the twelfth reuse them dashed. */
const COLORS = [
  "#1f6feb",
  "#e36209",
  "#1a7f37",
  "#cf222e",
  "#8250df",
  "#0a7ea4",
  "#9a6700",
  "#d63384",
  "#57606a",
  "#116329",
  "#953800",
  "#0a3069",
];
const OTHER_COLOR = "#afb8c1";
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });
const full = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
const tick = { fontSize: 12, fill: "#57606a" };

/** A chart of points computed on the server (see lib/charts). */
export function ChartView({ data, height = 320 }: { data: ChartData; height?: number }) {
  if (data.points.length === 0 || data.series.length === 0)
    return (
      <p className="chart-empty muted">
        {data.totalRows === 0
          ? "Nothing to chart: the result has no rows."
          : `Nothing to chart: no row has a ${data.x}.`}
      </p>
    );
  const caption = chartCaption(data);
  return (
    <figure className="chart">
      <div className="chart-canvas" role="img" aria-label={chartLabel(data)} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          {chartOf(data)}
        </ResponsiveContainer>
      </div>
      {caption && <figcaption className="chart-caption">{caption}</figcaption>}
    </figure>
  );
}

function chartOf(data: ChartData): ReactElement {
  // Bars take a slot per x whatever its type; lines and points sit on a numeric axis when x is a number.
  const numericX = data.xKind === "number" && data.kind !== "bar";
  const rows = data.points.map((p) => rowOf(p, numericX));
  // In series order, not recharts' default alphabetical order.
  const legend = data.series.length > 1 ? <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} /> : null;
  const grid = <CartesianGrid stroke="#d0d7de" strokeDasharray="3 3" vertical={false} />;
  const xAxis = (
    <XAxis
      dataKey="x"
      type={numericX ? "number" : "category"}
      domain={numericX ? ["dataMin", "dataMax"] : undefined}
      allowDuplicatedCategory={data.kind !== "scatter"}
      tick={tick}
      tickFormatter={(v) => (typeof v === "number" ? compact.format(v) : shorten(String(v)))}
    />
  );
  const yAxis = <YAxis tick={tick} width={64} tickFormatter={(v: number) => compact.format(v)} />;
  const tooltip = <Tooltip formatter={(v) => (typeof v === "number" ? full.format(v) : String(v ?? "NULL"))} />;
  // The container is the accessible image; recharts' own keyboard layer would nest a control inside it.
  const frame = { accessibilityLayer: false, margin: { top: 8, right: 16, bottom: 8, left: 8 } };
  const dash = (i: number) => (i >= COLORS.length ? "6 3" : undefined);
  switch (data.kind) {
    case "pie": {
      // A slice is a share of a whole: NULL, zero and negative values have none.
      const slices = rows
        .map((row, i) => ({ name: String(row.x), value: row.s0, fill: data.points[i].other ? OTHER_COLOR : color(i) }))
        .filter((slice) => typeof slice.value === "number" && slice.value > 0);
      return (
        <PieChart accessibilityLayer={false}>
          <Pie data={slices} dataKey="value" nameKey="name" outerRadius="80%" isAnimationActive={false} />
          <Tooltip formatter={(v) => full.format(Number(v))} />
          <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
        </PieChart>
      );
    }
    case "bar":
      return (
        <BarChart data={rows} {...frame}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {data.series.map((name, i) => (
            <Bar key={i} dataKey={`s${i}`} name={name} fill={color(i)} isAnimationActive={false} />
          ))}
        </BarChart>
      );
    case "area":
      return (
        <AreaChart data={rows} {...frame}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {data.series.map((name, i) => (
            <Area
              key={i}
              dataKey={`s${i}`}
              name={name}
              stroke={color(i)}
              strokeDasharray={dash(i)}
              fill={color(i)}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      );
    case "scatter":
      return (
        <ScatterChart {...frame}>
          {grid}
          {xAxis}
          <YAxis dataKey="y" type="number" tick={tick} width={64} tickFormatter={(v: number) => compact.format(v)} />
          {tooltip}
          {legend}
          {data.series.map((name, i) => (
            <Scatter
              key={i}
              name={name}
              data={rows.filter((row) => row[`s${i}`] !== null).map((row) => ({ x: row.x, y: row[`s${i}`] }))}
              fill={color(i)}
              isAnimationActive={false}
            />
          ))}
        </ScatterChart>
      );
    default:
      return (
        <LineChart data={rows} {...frame}>
          {grid}
          {xAxis}
          {yAxis}
          {tooltip}
          {legend}
          {data.series.map((name, i) => (
            <Line
              key={i}
              dataKey={`s${i}`}
              name={name}
              type="linear"
              stroke={color(i)}
              strokeDasharray={dash(i)}
              strokeWidth={2}
              dot={rows.length <= 60}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      );
  }
}

type Row = Record<string, string | number | null>;

/** Recharts reads one object per x with a key per series; labels stand in for NULL and Other. */
function rowOf(point: ChartPoint, numericX: boolean): Row {
  const x = point.other ? "Other" : point.x === null ? "NULL" : numericX ? point.x : String(point.x);
  const row: Row = { x };
  for (const [i, y] of point.y.entries()) row[`s${i}`] = y;
  return row;
}

function color(i: number): string {
  return COLORS[i % COLORS.length];
}

function shorten(text: string): string {
  return text.length > 18 ? `${text.slice(0, 17)}…` : text;
}
