import type { Cell, ColumnKind } from "./types";

/**
 * Classifies an engine's SQL type name (DuckDB's or Databricks') for display.
 * Names are matched on their base word so parameters such as DECIMAL(38,10) or
 * STRUCT<...> do not matter.
 */
export function columnKind(type: string): ColumnKind {
  const base = baseName(type);
  // LIST is written INTEGER[], a fixed-size ARRAY INTEGER[3].
  if (/\[\d*\]$/.test(type.trim()) || NESTED.has(base)) return "nested";
  if (NUMBER.has(base)) return "number";
  if (base === "BOOLEAN" || base === "BOOL") return "boolean";
  if (TEMPORAL.has(base)) return "temporal";
  if (base === "BLOB" || base === "BINARY" || base === "BYTEA" || base === "VARBINARY") return "binary";
  return "text";
}

/** A type name's base word: DECIMAL for DECIMAL(38,10), STRUCT for STRUCT<...>. */
function baseName(type: string): string {
  return type
    .trim()
    .toUpperCase()
    .replace(/[(<\s].*$/s, "");
}

/**
 * Whether every value of the type reads as a short text (a few dozen
 * characters at most): numbers, booleans, dates, times and intervals. Text,
 * binary and nested values can be any length, and so can BIGNUM's digits.
 */
export function hasShortText(type: string): boolean {
  const kind = columnKind(type);
  if (kind === "number") return !UNBOUNDED_NUMBER.has(baseName(type));
  return kind === "boolean" || kind === "temporal";
}

const UNBOUNDED_NUMBER = new Set(["BIGNUM", "VARINT"]);
const NUMBER = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "INT",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
  "UHUGEINT",
  "BYTE",
  "SHORT",
  "LONG",
  "FLOAT",
  "REAL",
  "DOUBLE",
  "DECIMAL",
  "NUMERIC",
  "BIGNUM",
  "VARINT",
]);
const TEMPORAL = new Set([
  "DATE",
  "TIME",
  "TIMETZ",
  "TIMESTAMP",
  "TIMESTAMPTZ",
  "TIMESTAMP_NTZ",
  "TIMESTAMP_LTZ",
  "TIMESTAMP_S",
  "TIMESTAMP_MS",
  "TIMESTAMP_NS",
  "INTERVAL",
]);
const NESTED = new Set(["STRUCT", "MAP", "LIST", "ARRAY", "UNION", "VARIANT"]);

export function isRightAligned(kind: ColumnKind): boolean {
  return kind === "number";
}

/** Longest text a grid cell renders; the full value opens on demand. */
export const CELL_DISPLAY_LIMIT = 200;

export interface CellDisplay {
  text: string;
  isNull: boolean;
  isEmpty: boolean;
  /** True when `text` is shorter than the value (the grid offers the full value). */
  truncated: boolean;
}

/**
 * How a cell reads in the grid: NULL is marked distinctly from the empty string,
 * long values are cut with an ellipsis, and line breaks are shown as ⏎ so a row
 * stays one line. The value itself is never reformatted: numbers and timestamps
 * stay exactly as the engine rendered them.
 */
export function displayCell(value: Cell, limit = CELL_DISPLAY_LIMIT): CellDisplay {
  if (value === null) return { text: "NULL", isNull: true, isEmpty: false, truncated: false };
  if (value === "") return { text: "empty", isNull: false, isEmpty: true, truncated: false };
  const oneLine = value.replace(/\r\n|\r|\n/g, "⏎");
  const chars = Array.from(oneLine);
  if (chars.length <= limit) return { text: oneLine, isNull: false, isEmpty: false, truncated: false };
  return { text: `${chars.slice(0, limit).join("")}…`, isNull: false, isEmpty: false, truncated: true };
}

/** "1.2 s", "850 ms", "2 min 5 s": durations as a person reads them. */
export function formatDuration(ms: number): string {
  // Units are picked by the rounded value, so 119.6 s reads "2 min 0 s", not "1 min 60 s".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  if (ms < 9_995) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
