import "server-only";
import { createHash } from "node:crypto";
import { UserError } from "@/lib/action-result";
import { type ColumnFilter, filterParam, type ResultFilter } from "@/lib/results/filters";
import { columnKind } from "@/lib/results/format";
import type { SortSpec } from "@/lib/results/types";
import { sqlString } from "@/lib/sql/quote";
import { pageValuesSql, resultTable, storedColumnName } from "./store-sql";

/**
 * SQL of a filtered view of a stored result, built by pure functions. A view
 * is a filter and an optional sort; its rows are kept once, as a table of
 * stored rowids in view order (`v_<run>_<hash>`), so that every page of it is
 * a rowid range, as a sorted page is. Values from the browser only ever
 * become SQL string literals; column types come from the store's catalog.
 */

/** The table of a view's rowids: one per run, filter and sort. */
export function viewIndexTable(runId: string, filter: ResultFilter, sort: SortSpec | null): string {
  const key = `${filterParam(filter)}\n${sort ? `${sort.column}:${sort.direction}` : ""}`;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return `v_${resultTable(runId).slice(2)}_${hash}`;
}

/** A view table's name, as `viewIndexTable` makes them (checked before a DROP). */
export const VIEW_INDEX_NAME = /^v_[0-9a-f]{32}_[0-9a-f]{16}$/;

/**
 * The rows of the view in order: the filter's rows, sorted (NULLs last, ties
 * in stored order) or in stored order.
 */
export function viewIndexSql(
  table: string,
  index: string,
  condition: string,
  sort: SortSpec | null,
  columnCount: number,
): string {
  return `CREATE TABLE IF NOT EXISTS ${index} AS SELECT rowid AS src FROM ${table} WHERE ${condition}${order(sort, columnCount)}`;
}

/**
 * One page of the view read straight from the result, before its index is
 * built: DuckDB stops once it has the page (the first page of a filter over
 * 10M rows needs only as many rows as it takes to find it).
 */
export function viewPageSql(
  table: string,
  types: readonly string[],
  window: { offset: number; limit: number },
  clipAt: number,
  condition: string,
  sort: SortSpec | null,
): string {
  const values = pageValuesSql(types, clipAt);
  return `SELECT ${["rowid", ...values].join(", ")} FROM ${table} WHERE ${condition}${order(sort, types.length)} LIMIT ${whole(window.limit)} OFFSET ${whole(window.offset)}`;
}

/**
 * Stored order needs no sort: a scan keeps insertion order
 * (preserve_insertion_order), with or without LIMIT, so DuckDB can stop at
 * the page instead of sorting every match by rowid.
 */
function order(sort: SortSpec | null, columnCount: number): string {
  if (!sort) return "";
  const column = storedColumnName(columnIndex(sort.column, columnCount));
  return ` ORDER BY ${column} ${sort.direction === "desc" ? "DESC" : "ASC"} NULLS LAST, rowid`;
}

/**
 * The condition a row of the stored result meets, over its columns c0…cN of
 * DuckDB types `types` (from the store's catalog). Text conditions match what
 * the grid shows (the value as text), literally; a range compares values of
 * the column's own type. Throws UserError for a filter that cannot apply.
 */
export function filterConditionSql(filter: ResultFilter, types: readonly string[]): string {
  const parts = filter.columns.map((f) => columnCondition(f, types));
  const search = filter.search;
  if (search !== "") {
    const needle = `lower(${literal(search)})`;
    const any = types.map((_, i) => `contains(lower(${asText(i)}), ${needle})`);
    parts.push(any.length > 0 ? `(${any.join(" OR ")})` : "false");
  }
  return parts.length > 0 ? parts.join(" AND ") : "true";
}

function columnCondition(filter: ColumnFilter, types: readonly string[]): string {
  const i = columnIndex(filter.column, types.length);
  const column = storedColumnName(i);
  switch (filter.op) {
    case "contains":
      return `contains(lower(${asText(i)}), lower(${literal(filter.value)}))`;
    case "starts":
      return `starts_with(lower(${asText(i)}), lower(${literal(filter.value)}))`;
    case "equals":
      return matchesText(i, types[i], [filter.value]);
    case "null":
      return `${column} IS NULL`;
    case "notnull":
      return `${column} IS NOT NULL`;
    case "in":
      if (filter.values.length === 0) return "false";
      return matchesText(i, types[i], filter.values);
    case "range": {
      const type = types[i];
      if (!isOrdered(type)) throw new UserError("A range applies to numbers, dates and times; use contains or equals.");
      const bounds = [
        filter.min === null ? null : `${column} >= ${typedLiteral(filter.min, type)}`,
        filter.max === null ? null : `${column} <= ${typedLiteral(filter.max, type)}`,
      ].filter((b): b is string => b !== null);
      return bounds.length > 0 ? `(${bounds.join(" AND ")})` : "true";
    }
  }
}

/** The range bounds of a filter, each with the type it must read as (checked with TRY_CAST first). */
export function rangeBounds(filter: ResultFilter, types: readonly string[]): { value: string; type: string }[] {
  return filter.columns.flatMap((f) => {
    if (f.op !== "range") return [];
    const type = types[columnIndex(f.column, types.length)];
    return [f.min, f.max].flatMap((value) => (value === null ? [] : [{ value, type }]));
  });
}

/** Whether each value reads as its type: one row, a column per value, false where it does not. */
export function castCheckSql(values: readonly { value: string; type: string }[]): string {
  return `SELECT ${values.map(({ value, type }) => `TRY_CAST(${literal(value)} AS ${type}) IS NOT NULL`).join(", ")}`;
}

/** Numbers, dates and times compare by value; text, booleans, blobs and nested values do not get ranges. */
export function isOrdered(type: string): boolean {
  const kind = columnKind(type);
  return kind === "number" || kind === "temporal";
}

/**
 * The column's text is one of `values`. On a number or time column the same
 * values, read as the column's type, are compared first: DuckDB then skips
 * row groups by their min/max and casts only rows that may match, instead of
 * casting every row to text (a selective filter's first page over 10M rows:
 * measured 13 ms → 2 ms). The text comparison stays, so the match is still
 * the text the grid shows ("05" finds nothing where 5 is shown as "5").
 */
function matchesText(i: number, type: string, values: readonly string[]): string {
  const text =
    values.length === 1
      ? `${asText(i)} = ${literal(values[0])}`
      : `${asText(i)} IN (${values.map(literal).join(", ")})`;
  if (!isOrdered(type)) return text;
  const typed = values.map((v) => `TRY_CAST(${literal(v)} AS ${type})`);
  const column = storedColumnName(i);
  return `(${typed.length === 1 ? `${column} = ${typed[0]}` : `${column} IN (${typed.join(", ")})`} AND ${text})`;
}

function asText(i: number): string {
  return `CAST(${storedColumnName(i)} AS VARCHAR)`;
}

function typedLiteral(value: string, type: string): string {
  return `CAST(${literal(value)} AS ${type})`;
}

function literal(value: string): string {
  if (value.includes("\u0000")) throw new UserError("A filter value cannot contain a NUL character.");
  return sqlString(value);
}

function columnIndex(column: number, count: number): number {
  if (!Number.isSafeInteger(column) || column < 0 || column >= count)
    throw new UserError("There is no such column to filter or sort by.");
  return column;
}

function whole(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row position: ${n}`);
  return n;
}
