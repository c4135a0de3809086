import type { ChartData } from "@/lib/charts/types";
import type { Aggregate } from "@/lib/notebooks/types";
import { formatCount } from "@/lib/results/format";

const AGGREGATE_WORDS: Record<Aggregate, string> = {
  none: "",
  sum: "sum",
  avg: "average",
  count: "count",
  min: "minimum",
  max: "maximum",
};
const KIND_WORDS = { bar: "Bar", line: "Line", area: "Area", scatter: "Scatter", pie: "Pie" } as const;

/** "Bar chart of sum of fare by payment": what a screen reader announces for the chart. */
export function chartLabel(data: ChartData): string {
  const word = AGGREGATE_WORDS[data.aggregate];
  const values = data.y.map((y) => (word ? `${word} of ${y}` : y)).join(", ");
  const group = data.group ? `, one series per ${data.group}` : "";
  return `${KIND_WORDS[data.kind]} chart of ${values} by ${data.x}${group}`;
}

/** "Sum of fare by payment over 5,000,000 rows; sampled 2,000 of 5,000,000 rows". */
export function chartCaption(data: ChartData): string | null {
  const parts: string[] = [];
  const word = AGGREGATE_WORDS[data.aggregate];
  if (word) {
    const by = data.group ? `${data.x} and ${data.group}` : data.x;
    parts.push(`${word} of ${data.y.join(", ")} by ${by} over ${formatCount(data.totalRows)} rows`);
  }
  const cut = data.cut;
  if (cut) {
    const what = `${formatCount(cut.shown)} of ${formatCount(cut.of)} ${cut.unit}`;
    const rest = data.points.some((p) => p.other) ? ", the rest as Other" : "";
    parts.push(cut.how === "sampled" ? `sampled ${what}` : `${cut.how} ${what}${rest}`);
  }
  if (data.hiddenSeries > 0)
    parts.push(`the ${data.series.length} most frequent ${data.group} values; ${data.hiddenSeries} more not shown`);
  if (parts.length === 0) return null;
  const text = parts.join("; ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}
