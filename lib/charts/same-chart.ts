import type { ChartSpec } from "@/lib/notebooks/types";

/**
 * Whether two charts are the same, field by field: a chart read back from the
 * metadata store (jsonb) has its keys in another order than the one sent.
 */
export function sameChart(a: ChartSpec | null | undefined, b: ChartSpec | null | undefined): boolean {
  if (!a || !b) return !a === !b;
  return (
    a.kind === b.kind &&
    a.x === b.x &&
    a.group === b.group &&
    a.aggregate === b.aggregate &&
    a.y.length === b.y.length &&
    a.y.every((y, i) => y === b.y[i])
  );
}
