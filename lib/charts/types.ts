import type { Aggregate, ChartKind } from "@/lib/notebooks/types";

/** How x values are placed: numbers on a numeric axis, everything else as ordered labels. */
export type ChartXKind = "number" | "temporal" | "text";

/** An x value: a number, the engine's text of any other value (dates are ISO-like), or null for NULL. */
export type ChartX = number | string | null;

export interface ChartPoint {
  x: ChartX;
  /** One value per series, in `series` order; null where that series has no value here. */
  y: (number | null)[];
  /** The pie's "Other" slice: every category after the ones shown. */
  other?: true;
}

/** What the chart leaves out to stay within the point budget. */
export interface ChartCut {
  /** sampled: every k-th row or x value; top: the largest categories; first: the first rows in result order. */
  how: "sampled" | "top" | "first";
  shown: number;
  of: number;
  unit: "rows" | "x values" | "categories";
}

/** Chart points computed on the server from a stored result: small enough to send to the browser. */
export interface ChartData {
  kind: ChartKind;
  /** Display names of the columns used. */
  x: string;
  y: string[];
  group: string | null;
  aggregate: Aggregate;
  xKind: ChartXKind;
  series: string[];
  points: ChartPoint[];
  /** Rows of the stored result the chart was computed from. */
  totalRows: number;
  cut: ChartCut | null;
  /** Group values past the series limit, left out of the chart. */
  hiddenSeries: number;
}
