import "server-only";
import type { ChartCut, ChartData, ChartPoint, ChartX } from "@/lib/charts/types";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ResultColumn } from "@/lib/results/types";
import { type ChartPlan, chartSql, POINT_BUDGET } from "./chart-sql";
import type { ResultStore } from "./result-store";
import { resultTable } from "./store-sql";

/** Positions in a chart query's rows (see chart-sql.ts); y values start at Y. */
const [X, GI, GL, NX, NG, OTHER, Y] = [0, 1, 2, 3, 4, 5, 6];

/**
 * Chart points of a stored result, computed by DuckDB on the server.
 * No authorization here: the caller has checked that the user may read the run.
 */
export async function chartData(
  store: ResultStore,
  run: { id: string; columns: ResultColumn[]; rowCount: number },
  spec: ChartSpec,
  budget = POINT_BUDGET,
): Promise<ChartData> {
  const plan = chartSql(resultTable(run.id), run.columns, spec, run.rowCount, budget);
  const rows = await store.read(plan.sql);
  const { series, slot } = seriesOf(plan, rows);
  const points: ChartPoint[] = [];
  let current: ChartPoint | null = null;
  for (const row of rows) {
    const x: ChartX = plan.xKind === "number" ? toNumber(row[X]) : toText(row[X]);
    const other = row[OTHER] === true;
    const slots = plan.y.map((_, i) => slot(row, i));
    // With groups, one point per x holds every group's value; rows arrive ordered by x.
    const merge =
      plan.group !== null && current && !other && current.x === x && slots.every((s) => current?.y[s] === null);
    if (!merge || !current) {
      current = { x, y: series.map(() => null), ...(other ? { other: true as const } : {}) };
      points.push(current);
    }
    for (const [i, s] of slots.entries()) current.y[s] = toNumber(row[Y + i]);
  }
  const first = rows.find((row) => row[OTHER] !== true);
  const groups = first ? (toNumber(first[NG]) ?? 0) : 0;
  return {
    kind: spec.kind,
    x: plan.x,
    y: plan.y,
    group: plan.group,
    aggregate: spec.aggregate,
    xKind: plan.xKind,
    series,
    points,
    totalRows: run.rowCount,
    cut: cutOf(plan, run.rowCount, rows.length, first ? (toNumber(first[NX]) ?? 0) : 0),
    hiddenSeries: plan.group ? Math.max(0, groups - plan.groupLimit) : 0,
  };
}

/** Series are (group, y column) pairs in group-rank order; only groups that have points are listed. */
function seriesOf(plan: ChartPlan, rows: unknown[][]) {
  const count = plan.y.length;
  if (plan.group === null) return { series: plan.y, slot: (_row: unknown[], i: number) => i };
  const names = new Map<number, string>();
  for (const row of rows) {
    const rank = toNumber(row[GI]) ?? 0;
    const label = toText(row[GL]) ?? "NULL";
    for (const [i, y] of plan.y.entries()) names.set(rank * count + i, count > 1 ? `${label} · ${y}` : label);
  }
  const keys = [...names.keys()].sort((a, b) => a - b);
  const index = new Map(keys.map((key, i) => [key, i]));
  return {
    series: keys.map((key) => names.get(key) ?? ""),
    slot: (row: unknown[], i: number) => index.get((toNumber(row[GI]) ?? 0) * count + i) ?? 0,
  };
}

function cutOf(plan: ChartPlan, rowCount: number, returned: number, xCount: number): ChartCut | null {
  if (plan.mode === "raw")
    return rowCount > plan.budget ? { how: "sampled", shown: returned, of: rowCount, unit: "rows" } : null;
  if (plan.mode === "series") {
    if (xCount <= plan.budget) return null;
    const shown = Math.ceil(xCount / Math.ceil(xCount / plan.budget));
    return { how: "sampled", shown, of: xCount, unit: "x values" };
  }
  const limit = plan.categoryLimit;
  const shown = plan.withOther && xCount > limit ? limit - 1 : limit;
  if (xCount <= shown) return null;
  return plan.aggregate === "none"
    ? { how: "first", shown, of: xCount, unit: "rows" }
    : { how: "top", shown, of: xCount, unit: "categories" };
}

/** DuckDB gives DOUBLE as number, BIGINT as bigint and other types as value objects: JSON needs plain numbers. */
function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : Number(typeof value === "bigint" ? value : String(value));
  return Number.isFinite(n) ? n : null;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : String(value);
}
