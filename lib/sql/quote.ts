import type { SqlDialect } from "./split";

/**
 * Quoting for SQL that Lakebook writes itself: literals in the SQL the server
 * builds (values reach it only through these, or as bound parameters), and
 * identifiers the schema browser inserts into the editor.
 */

/** A string literal for DuckDB (PostgreSQL's rules): quotes doubled, nothing else changed. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A string literal for Spark SQL, on one line: Spark reads backslash escapes
 * (and `''` as two literals side by side), so backslashes and quotes are
 * escaped with a backslash (and `$`, which Databricks notebooks would read as
 * `${name}` substitution), and line breaks, other control characters, the
 * Unicode line separators and lone surrogates as `\n`, `\r` or `\uXXXX`. Nothing in the
 * value can end the literal or start a new line of the file it is written in.
 */
export function sparkString(value: string): string {
  let out = "'";
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    // `$`: Databricks notebooks substitute `${name}` in SQL text, inside strings too, unless escaped.
    if (ch === "\\" || ch === "'" || ch === "$") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (
      c < 32 ||
      (c >= 127 && c < 160) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
    )
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}'`;
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
