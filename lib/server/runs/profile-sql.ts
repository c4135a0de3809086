import "server-only";
import { columnKind } from "@/lib/results/format";
import { HISTOGRAM_BINS, TOP_VALUES } from "@/lib/results/profile";
import { sqlString } from "@/lib/sql/quote";
import { storedColumnName } from "./store-sql";

/**
 * SQL of a column's profile over a stored result, built by pure functions: one
 * scan for counts, extremes, mean, quantiles and the most common values, and
 * one more for the histogram's bins (numbers, dates and times) or for the
 * exact counts of the common values (everything else). Types come from the
 * store's catalog; values from a first query come back only as string literals.
 */

export type ProfileKind = "number" | "temporal" | "text";

export function profileKind(type: string): ProfileKind {
  const kind = columnKind(type);
  return kind === "number" || kind === "temporal" ? kind : "text";
}

/**
 * count(*), nulls, approximate distinct, min, max as text, then for numbers
 * and times: mean and quartiles as text; for the rest: the most common values
 * (approximately, as text).
 */
export function profileSummarySql(table: string, column: number, type: string): string {
  const c = storedColumnName(column);
  const kind = profileKind(type);
  const common = [
    "count(*)",
    `count(*) - count(${c})`,
    `approx_count_distinct(${c})`,
    `CAST(min(${c}) AS VARCHAR)`,
    `CAST(max(${c}) AS VARCHAR)`,
  ];
  const more =
    kind === "text"
      ? [`approx_top_k(CAST(${c} AS VARCHAR), ${TOP_VALUES})`]
      : [`CAST(avg(${c}) AS VARCHAR)`, `CAST(approx_quantile(${c}, [0.25, 0.5, 0.75]) AS VARCHAR[])`];
  return `SELECT ${[...common, ...more].join(", ")} FROM ${table}`;
}

/** Rows per bin of HISTOGRAM_BINS equal-width bins between `min` and `max` (DuckDB's own bins), as text keys. */
export function histogramSql(table: string, column: number, type: string, min: string, max: string): string {
  const c = storedColumnName(column);
  const bound = (value: string) => `CAST(${sqlString(value)} AS ${type})`;
  const h = `histogram(${c}, equi_width_bins(${bound(min)}, ${bound(max)}, ${HISTOGRAM_BINS}, true))`;
  return `SELECT CAST(unnest(map_keys(h)) AS VARCHAR), unnest(map_values(h)) FROM (SELECT ${h} AS h FROM ${table} WHERE ${c} IS NOT NULL)`;
}

/** Exact counts of the given values (as text) and of NULL, most common first. */
export function topValuesSql(table: string, column: number, values: string[]): string {
  const c = storedColumnName(column);
  const list = values.length > 0 ? values.map(sqlString).join(", ") : "NULL";
  return `SELECT v, count(*) AS n FROM (SELECT CAST(${c} AS VARCHAR) AS v FROM ${table}) WHERE v IN (${list}) OR v IS NULL GROUP BY v ORDER BY n DESC, v NULLS FIRST LIMIT ${TOP_VALUES}`;
}
