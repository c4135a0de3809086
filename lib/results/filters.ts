/**
 * Filters over a whole stored result, as the browser asks for them and the
 * server applies them (lib/server/runs/view-sql.ts): per-column conditions and
 * one search over every column, all of them together (AND). Values are text,
 * matched literally (no wildcards): `%`, `_` and `\` are themselves.
 */

/** Text the column shows: contains / equals / starts with (case-insensitive for contains and starts). */
export type TextFilter = { column: number; op: "contains" | "equals" | "starts"; value: string };
/** Numbers, dates and timestamps: inclusive bounds, either may be missing; typed as the column is. */
export type RangeFilter = { column: number; op: "range"; min: string | null; max: string | null };
export type NullFilter = { column: number; op: "null" | "notnull" };
/** One of these values, as the column shows them. */
export type ListFilter = { column: number; op: "in"; values: string[] };

export type ColumnFilter = TextFilter | RangeFilter | NullFilter | ListFilter;

export interface ResultFilter {
  columns: ColumnFilter[];
  /** Rows where any column's text contains this (case-insensitive); "" for none. */
  search: string;
}

export const MAX_FILTERS = 32;
export const MAX_FILTER_VALUE_CHARS = 1000;
export const MAX_LIST_VALUES = 200;
/**
 * Filters travel in the page's URL, which a server takes up to ~16 KiB of:
 * their text is kept under this (the browser says so before asking).
 */
export const MAX_FILTER_PARAM_CHARS = 8 * 1024;

export const NO_FILTER: ResultFilter = { columns: [], search: "" };

export function isFiltered(filter: ResultFilter | null | undefined): filter is ResultFilter {
  return Boolean(filter && (filter.columns.length > 0 || filter.search !== ""));
}

/** The filter as the page route's `filter` query parameter (canonical: the same filter, the same text). */
export function filterParam(filter: ResultFilter): string {
  return JSON.stringify({
    columns: filter.columns.map(canonical),
    search: filter.search,
  });
}

function canonical(filter: ColumnFilter): ColumnFilter {
  switch (filter.op) {
    case "range":
      return { column: filter.column, op: filter.op, min: filter.min, max: filter.max };
    case "null":
    case "notnull":
      return { column: filter.column, op: filter.op };
    case "in":
      return { column: filter.column, op: filter.op, values: filter.values };
    default:
      return { column: filter.column, op: filter.op, value: filter.value };
  }
}

/** How a filter reads in a chip above the grid. */
export function describeFilter(filter: ColumnFilter, columnName: string): string {
  switch (filter.op) {
    case "contains":
      return `${columnName} contains “${filter.value}”`;
    case "equals":
      return `${columnName} = “${filter.value}”`;
    case "starts":
      return `${columnName} starts with “${filter.value}”`;
    case "null":
      return `${columnName} is null`;
    case "notnull":
      return `${columnName} is not null`;
    case "in":
      return `${columnName} in ${filter.values.map((v) => `“${v}”`).join(", ")}`;
    case "range":
      if (filter.min !== null && filter.max !== null) return `${filter.min} ≤ ${columnName} ≤ ${filter.max}`;
      return filter.min !== null ? `${columnName} ≥ ${filter.min}` : `${columnName} ≤ ${filter.max}`;
  }
}
