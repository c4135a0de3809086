import { WarehouseError } from "./errors";
import { type Rewritten, Splicer, unchanged } from "./rewritten";
import { tokenize } from "./sql-rewrite";
import type { T } from "./thrift";

/**
 * Query parameters as the driver sends them (protocol V8): named (`:name` or
 * ``:`any name` `` markers, the name matched without case) or ordinal (`?`),
 * each a type name and a string value; no type and no value means NULL. They
 * are bound by replacing each marker with a typed literal, e.g.
 * `CAST('42' AS INTEGER)`.
 */
export function bindParameters(sql: string, parameters: T.TSparkParameter[]): Rewritten {
  if (parameters.length === 0) return unchanged(sql);
  const named = new Map(parameters.filter((p) => p.name).map((p) => [p.name!.toLowerCase(), literal(p)]));
  const ordinal = parameters.filter((p) => !p.name).map(literal);
  const tokens = tokenize(sql);
  const splicer = new Splicer(sql);
  let nextOrdinal = 0;
  tokens.forEach((token, i) => {
    const name = tokens[i + 1];
    const isNamedMarker =
      token.value === ":" &&
      token.kind === "other" &&
      (name?.kind === "word" || name?.kind === "backtick") &&
      name.start === token.end;
    const previous = tokens[i - 1];
    const isCast = previous?.value === ":" && previous.end === token.start; // `x::INT`
    if (isNamedMarker && !isCast) {
      const value = named.get(name.value.toLowerCase());
      if (value === undefined) {
        throw new WarehouseError("UNBOUND_SQL_PARAMETER", "42P02", `Found the unbound parameter: ${name.value}.`);
      }
      splicer.replace(token.start, name.end, value);
    } else if (token.kind === "other" && token.value === "?" && ordinal.length > 0) {
      const value = ordinal[nextOrdinal++];
      if (value === undefined) throw new WarehouseError("UNBOUND_SQL_PARAMETER", "42P02", "Too few parameters.");
      splicer.replace(token.start, token.end, value);
    }
  });
  return splicer.done();
}

const DUCKDB_TYPES: Record<string, string> = {
  STRING: "VARCHAR",
  DATE: "DATE",
  // The warehouse stores Databricks TIMESTAMP columns as DuckDB TIMESTAMP (sent as
  // TIMESTAMP_TYPE text without an offset) and its sessions keep UTC, so a TIMESTAMP
  // parameter (read in the session time zone on a real warehouse) and a TIMESTAMP_NTZ
  // one (a wall-clock time, what Lakebook sends) both bind as a DuckDB TIMESTAMP.
  TIMESTAMP: "TIMESTAMP",
  TIMESTAMP_NTZ: "TIMESTAMP",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  INTEGER: "INTEGER",
  BIGINT: "BIGINT",
  SMALLINT: "SMALLINT",
  TINYINT: "TINYINT",
  BOOLEAN: "BOOLEAN",
  "INTERVAL MONTH": "INTERVAL",
  "INTERVAL DAY": "INTERVAL",
};

function literal(parameter: T.TSparkParameter): string {
  const value = parameter.value?.stringValue;
  if (value === undefined || value === null || !parameter.type) return "NULL";
  const quoted = `'${value.replaceAll("'", "''")}'`;
  if (parameter.type === "DECIMAL") {
    const scale = value.split(".")[1]?.length ?? 0;
    return `CAST(${quoted} AS DECIMAL(38,${scale}))`;
  }
  return `CAST(${quoted} AS ${DUCKDB_TYPES[parameter.type] ?? "VARCHAR"})`;
}
