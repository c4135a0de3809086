/** A column's profile over the whole stored result, computed by DuckDB on demand. */
export interface ColumnProfile {
  column: number;
  /** The stored column's DuckDB type. */
  type: string;
  kind: "number" | "temporal" | "text";
  rows: number;
  nulls: number;
  /** Approximate (HyperLogLog). */
  distinct: number;
  /** DuckDB's own text of each value: exact. */
  min: string | null;
  max: string | null;
  /** Numbers and dates/times only. */
  mean: string | null;
  /** 25th, 50th and 75th percentiles (approximate), numbers and dates/times only. */
  quantiles: [string, string, string] | null;
  /** The most common values with their exact counts (text, booleans and other kinds). */
  top: { value: string | null; count: number }[];
  /** Equal-width bins up to each `upTo` (inclusive), numbers and dates/times only. */
  histogram: { upTo: string; count: number }[];
}

/** Bins of a histogram. */
export const HISTOGRAM_BINS = 20;
/** Most common values listed. */
export const TOP_VALUES = 10;
