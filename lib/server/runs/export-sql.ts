import "server-only";
import type { ExportOptions } from "@/lib/exports/formats";
import { sqlString } from "@/lib/sql/quote";
import { storedColumnName } from "./store-sql";

/** A stored column as an export sees it: its display name and its DuckDB type's name. */
export interface ExportColumn {
  name: string;
  type: string;
}

/** Whole-number and DECIMAL types whose values a JavaScript number (or a JSON reader using one) can round. */
const EXACT_NUMBER = /^(BIGINT|UBIGINT|HUGEINT|UHUGEINT|DECIMAL\(\d+,\d+\))$/;
const FLOATING = /^(FLOAT|DOUBLE)$/;
const TEXT = /^VARCHAR$/;

/** Display names made unique the way DuckDB's Parquet writer does (a, a_1, a_2 …), which JSON objects need too. */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; taken.has(unique); n++) unique = `${name}_${n}`;
    taken.add(unique);
    return unique;
  });
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Spreadsheet-safe text (OWASP's CSV injection advice): a text cell that
 * starts with = + - @ tab or CR gets a leading apostrophe, so a spreadsheet
 * shows it instead of running it as a formula. Only text columns: numbers
 * (negative ones included) stay numbers.
 */
function safeText(column: string): string {
  return `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${column} ELSE ${column} END`;
}

/**
 * The SELECT list of a stored result (columns c0…cN) for a format:
 * - CSV/TSV: the values as stored (DuckDB's CSV writer renders them exactly), text made safe on request.
 * - JSON/NDJSON: named columns; BIGINT/HUGEINT/DECIMAL as JSON strings (a JavaScript reader's
 *   JSON.parse would round them as numbers); Infinity and NaN, which JSON numbers cannot be, as strings.
 * - Parquet: named columns with their types, except HUGEINT, which DuckDB's Parquet writer would
 *   round to DOUBLE, as text.
 * - XLSX: every value as DuckDB's text, turned into cells by the writer (xlsx.ts).
 */
export function exportSelectList(columns: readonly ExportColumn[], options: ExportOptions): string {
  const names = uniqueNames(columns.map((c) => c.name));
  return columns
    .map(({ type }, i) => {
      const c = storedColumnName(i);
      switch (options.format) {
        case "csv":
        case "tsv":
          return options.safe && TEXT.test(type) ? safeText(c) : c;
        case "json":
        case "ndjson":
          if (EXACT_NUMBER.test(type)) return `CAST(${c} AS VARCHAR) AS ${ident(names[i])}`;
          if (FLOATING.test(type))
            return `CASE WHEN isfinite(${c}) THEN to_json(${c}) ELSE to_json(CAST(${c} AS VARCHAR)) END AS ${ident(names[i])}`;
          return `${c} AS ${ident(names[i])}`;
        case "parquet":
          return /^U?HUGEINT$/.test(type)
            ? `CAST(${c} AS VARCHAR) AS ${ident(names[i])}`
            : `${c} AS ${ident(names[i])}`;
        default:
          // xlsx
          return `CAST(${c} AS VARCHAR)`;
      }
    })
    .join(", ");
}

/** DuckDB's writer for a format, writing `query` to `file` (no header: CSV/TSV headers are written apart). */
export function exportCopySql(query: string, file: string, format: ExportOptions["format"]): string {
  const target = sqlString(file);
  switch (format) {
    case "csv":
      return `COPY (${query}) TO ${target} (FORMAT csv, HEADER false, NEW_LINE '\\r\\n', QUOTE '"', ESCAPE '"')`;
    case "tsv":
      return `COPY (${query}) TO ${target} (FORMAT csv, DELIMITER '\\t', HEADER false, NEW_LINE '\\n', QUOTE '"', ESCAPE '"')`;
    case "json":
    case "ndjson":
      // Newline-delimited; a JSON array is made of the same lines (see json-array.ts).
      return `COPY (${query}) TO ${target} (FORMAT json)`;
    case "parquet":
      return `COPY (${query}) TO ${target} (FORMAT parquet)`;
    case "xlsx":
      throw new Error("xlsx is written by the XLSX writer, not by COPY");
  }
}

/** Rows [from, to) of a stored table, in stored order (a rowid range scan, no sort). */
/**
 * Rows [from, to) of a view of the result (filtered or sorted): positions in
 * the view's index table of rowids, joined to the stored rows, in view order.
 */
export function viewRangeSql(select: string, table: string, index: string, from: number, to: number): string {
  return `SELECT ${select} FROM (SELECT src, rowid AS pos FROM ${index} WHERE rowid >= ${position(from)} AND rowid < ${position(to)}) o JOIN ${table} ON ${table}.rowid = o.src ORDER BY o.pos`;
}

/** The whole of a view of the result, in view order: a source to SELECT from. */
export function viewSourceSql(table: string, index: string): string {
  return `(SELECT ${table}.* FROM ${index} o JOIN ${table} ON ${table}.rowid = o.src ORDER BY o.rowid)`;
}

export function rowRangeSql(select: string, table: string, from: number, to: number): string {
  return `SELECT ${select} FROM ${table} WHERE rowid >= ${position(from)} AND rowid < ${position(to)}`;
}

function position(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row position: ${n}`);
  return n;
}
