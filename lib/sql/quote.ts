/**
 * Quoting for the SQL the server builds itself. Values from members reach
 * such SQL only through these (or as bound parameters), never pasted in.
 */

/** A string literal, for DuckDB and Spark SQL alike: quotes doubled, nothing else changed. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
