import type { SqlDialect } from "./split";

/**
 * Quoting for SQL that Lakebook writes itself: literals in the SQL the server
 * builds (values reach it only through these, or as bound parameters), and
 * identifiers the schema browser inserts into the editor.
 */

/** A string literal, for DuckDB and Spark SQL alike: quotes doubled, nothing else changed. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Quotes an identifier only when it needs it, so inserted names stay readable:
 * with double quotes for DuckDB, backticks for Databricks (Spark SQL).
 */
export function quoteIdentifier(name: string, dialect: SqlDialect = "duckdb"): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase())) return name;
  if (dialect === "databricks") return `\`${name.replaceAll("`", "``")}\``;
  return `"${name.replaceAll('"', '""')}"`;
}

// Words that cannot stand unquoted as a name in DuckDB or Spark SQL.
const RESERVED = new Set([
  "ALL",
  "AND",
  "AS",
  "ASC",
  "BETWEEN",
  "BY",
  "CASE",
  "CAST",
  "CHECK",
  "COLUMN",
  "CONSTRAINT",
  "CREATE",
  "CROSS",
  "DEFAULT",
  "DESC",
  "DISTINCT",
  "ELSE",
  "END",
  "EXCEPT",
  "FALSE",
  "FETCH",
  "FOR",
  "FOREIGN",
  "FROM",
  "FULL",
  "GRANT",
  "GROUP",
  "HAVING",
  "IN",
  "INNER",
  "INTERSECT",
  "INTO",
  "IS",
  "JOIN",
  "LEFT",
  "LIKE",
  "LIMIT",
  "NOT",
  "NULL",
  "OFFSET",
  "ON",
  "OR",
  "ORDER",
  "OUTER",
  "PRIMARY",
  "REFERENCES",
  "RIGHT",
  "SELECT",
  "TABLE",
  "THEN",
  "TO",
  "TRUE",
  "UNION",
  "UNIQUE",
  "USING",
  "WHEN",
  "WHERE",
  "WITH",
]);
