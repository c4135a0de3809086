import "server-only";
import { hasShortText } from "@/lib/results/format";
import type { SortSpec } from "@/lib/results/types";
import { sqlString } from "@/lib/sql/quote";

/**
 * SQL over the result store, built by pure functions. A run's rows live in a
 * table `r_<run id>` with columns c0…cN (display names may repeat or be
 * anything, so they are kept in the run's metadata). Rows keep their insertion
 * order in `rowid`, which DuckDB can seek to without scanning: a page costs the
 * same at row 10 as at row 10 million.
 */

export function resultTable(runId: string): string {
  if (!/^[0-9a-f]{32}$/.test(runId)) throw new Error("invalid run id");
  return `r_${runId}`;
}

export function storedColumnName(index: number): string {
  return `c${index}`;
}

export function createTableSql(table: string, storageTypes: string[]): string {
  const columns = storageTypes.map((type, i) => `${storedColumnName(i)} ${type}`);
  return `CREATE TABLE ${table} (${columns.join(", ")})`;
}

/** The in-memory database, attached to the result store, where rows wait to be stored. */
export const STAGING = "staging";

/** The n-th stage of a result table: a table in the staging database. */
export function stageTable(table: string, n: number): { catalog: string; name: string; qualified: string } {
  const name = `s_${table}_${nonNegativeInt(n)}`;
  return { catalog: STAGING, name, qualified: `${STAGING}.${name}` };
}

/**
 * Moves a stage's rows to the end of a result table, keeping their order
 * (preserve_insertion_order), and drops the stage.
 */
export function moveStageSql(stage: string, table: string): string {
  return `INSERT INTO ${table} SELECT * FROM ${stage}; DROP TABLE ${stage}`;
}

/**
 * One page of a stored result, every value rendered by DuckDB as text (exact:
 * no float rounding of BIGINT, DECIMAL or TIMESTAMP). `types` are the stored
 * columns' DuckDB types (the store's catalog). Values of a type whose text can
 * be long are cut to `clipAt + 1` characters so a page never carries
 * megabytes; one extra character tells the caller that the value was cut. A
 * sorted page reads a rowid range of the sort's index (see `sortIndexSql`) and
 * joins the rows it names, so it costs the same at row 10 as at row 10 million.
 */
export function pageSql(
  table: string,
  types: readonly string[],
  window: { offset: number; limit: number },
  clipAt: number,
  sortIndex?: string | null,
): string {
  const offset = nonNegativeInt(window.offset);
  const limit = nonNegativeInt(window.limit);
  const range = `rowid >= ${offset} AND rowid < ${offset + limit}`;
  if (sortIndex) {
    const select = ["t.rowid", ...pageValuesSql(types, clipAt, "t.")].join(", ");
    return `SELECT ${select} FROM (SELECT src, rowid AS pos FROM ${sortIndex} WHERE ${range}) o JOIN ${table} t ON t.rowid = o.src ORDER BY o.pos`;
  }
  return `SELECT ${["rowid", ...pageValuesSql(types, clipAt)].join(", ")} FROM ${table} WHERE ${range} ORDER BY rowid`;
}

/**
 * The values of a page's row as text: whole for types whose text is always
 * short (numbers, times: cutting them costs DuckDB a function call per value
 * for nothing), else cut to `clipAt + 1` characters.
 */
export function pageValuesSql(types: readonly string[], clipAt: number, prefix = ""): string[] {
  return types.map((type, i) => {
    const text = `CAST(${prefix}${storedColumnName(i)} AS VARCHAR)`;
    return hasShortText(type) ? text : `left(${text}, ${clipAt + 1})`;
  });
}

/** The table holding a run's rowids in the order of one sort. */
export function sortIndexTable(runId: string, sort: SortSpec): string {
  const direction = sort.direction === "desc" ? "d" : "a";
  return `o_${resultTable(runId).slice(2)}_${nonNegativeInt(sort.column)}_${direction}`;
}

/**
 * Sorts a stored result once, into a table of its rowids in sorted order (NULLs
 * last, ties in stored order); insertion order is kept, so a sorted page is a
 * rowid range of it. A few bytes a row, on disk like the result.
 */
export function sortIndexSql(table: string, index: string, sort: SortSpec): string {
  const column = storedColumnName(nonNegativeInt(sort.column));
  const direction = sort.direction === "desc" ? "DESC" : "ASC";
  return `CREATE TABLE IF NOT EXISTS ${index} AS SELECT rowid AS src FROM ${table} ORDER BY ${column} ${direction} NULLS LAST, rowid`;
}

/** The sort indexes and filtered views of a run, to drop with its result. */
export function sortIndexesOfSql(runId: string): string {
  const run = resultTable(runId).slice(2);
  return `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'o\\_${run}\\_%' ESCAPE '\\' OR table_name LIKE 'v\\_${run}\\_%' ESCAPE '\\'`;
}

/** The full text of one cell, by its row number in stored order. */
export function cellSql(table: string, rowid: number, column: number): string {
  return `SELECT CAST(${storedColumnName(nonNegativeInt(column))} AS VARCHAR) FROM ${table} WHERE rowid = ${nonNegativeInt(rowid)}`;
}

/**
 * Rows [from, to) as CSV written by DuckDB's own CSV writer: RFC 4180 quoting,
 * CRLF line ends, NULL as an empty field and the empty string as "". A rowid
 * range scan keeps insertion order (preserve_insertion_order), so no sort.
 */
export function csvSegmentSql(table: string, from: number, to: number, file: string): string {
  return csvCopySql(
    `SELECT * FROM ${table} WHERE rowid >= ${nonNegativeInt(from)} AND rowid < ${nonNegativeInt(to)}`,
    file,
  );
}

/** DuckDB's CSV writer, as every download uses it: RFC 4180 quoting, CRLF, no header. */
export function csvCopySql(query: string, file: string): string {
  return `COPY (${query}) TO ${sqlString(file)} (FORMAT csv, HEADER false, NEW_LINE '\\r\\n', QUOTE '"', ESCAPE '"')`;
}

function nonNegativeInt(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a row position: ${n}`);
  return n;
}
