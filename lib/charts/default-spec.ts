import type { ChartKind, ChartSpec } from "@/lib/notebooks/types";
import { columnKind } from "@/lib/results/format";
import type { ResultColumn } from "@/lib/results/types";

/**
 * A first chart for a result: text or time along x, the first other number up
 * y, summed per x. With no number column it counts rows per x.
 */
export function defaultChartSpec(columns: ResultColumn[]): ChartSpec | null {
  if (columns.length === 0) return null;
  const kinds = columns.map((c) => columnKind(c.type));
  const x = Math.max(
    0,
    kinds.findIndex((k) => k === "text" || k === "temporal"),
  );
  const y = kinds.findIndex((k, i) => k === "number" && i !== x);
  const name = columns[x].name;
  if (y < 0) return { kind: "bar", x: name, y: [name], group: null, aggregate: "count" };
  const kind: ChartKind = kinds[x] === "text" ? "bar" : "line";
  return { kind, x: name, y: [columns[y].name], group: null, aggregate: kinds[x] === "number" ? "none" : "sum" };
}
