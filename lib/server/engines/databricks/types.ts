import "server-only";
import {
  DECIMAL,
  DuckDBBigIntType,
  DuckDBBlobType,
  DuckDBBlobValue,
  DuckDBBooleanType,
  DuckDBDateType,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBDoubleType,
  DuckDBFloatType,
  DuckDBIntegerType,
  DuckDBSmallIntType,
  DuckDBTimestampType,
  DuckDBTimestampValue,
  DuckDBTinyIntType,
  type DuckDBType,
  type DuckDBValue,
  DuckDBVarCharType,
} from "@duckdb/node-api";

/**
 * Databricks column types (as the driver reports them in the Thrift schema)
 * mapped to the types their values are stored as, and the conversion of the
 * driver's JS values into exact DuckDB values. The driver is set up to deliver
 * BIGINT as `bigint` and TIMESTAMP/DECIMAL as the server's exact text, so
 * nothing here goes through a JS float or Date.
 */
export interface ColumnPlan {
  /** Display type, in Databricks' words: DECIMAL(38,10), STRING, TIMESTAMP… */
  type: string;
  storageType: DuckDBType;
  convert(value: unknown): DuckDBValue;
}

/** Thrift TTypeId names (as in TCLIService_types) → plan. */
export function columnPlan(typeName: string, precision?: number, scale?: number): ColumnPlan {
  switch (typeName) {
    case "BOOLEAN_TYPE":
      return plan("BOOLEAN", DuckDBBooleanType.instance, (v) => v === true || v === "true");
    case "TINYINT_TYPE":
      return plan("TINYINT", DuckDBTinyIntType.instance, Number);
    case "SMALLINT_TYPE":
      return plan("SMALLINT", DuckDBSmallIntType.instance, Number);
    case "INT_TYPE":
      return plan("INT", DuckDBIntegerType.instance, Number);
    case "BIGINT_TYPE":
      return plan("BIGINT", DuckDBBigIntType.instance, (v) => (typeof v === "bigint" ? v : BigInt(String(v))));
    case "FLOAT_TYPE":
      return plan("FLOAT", DuckDBFloatType.instance, Number);
    case "DOUBLE_TYPE":
      return plan("DOUBLE", DuckDBDoubleType.instance, Number);
    case "DECIMAL_TYPE": {
      const p = precision ?? 38;
      const s = scale ?? 0;
      return plan(
        `DECIMAL(${p},${s})`,
        DECIMAL(p, s),
        (v) => new DuckDBDecimalValue(scaledDecimal(String(v), s), p, s),
      );
    }
    case "DATE_TYPE":
      return plan("DATE", DuckDBDateType.instance, (v) => DuckDBDateValue.fromParts(dateParts(v)));
    case "TIMESTAMP_TYPE":
      return plan("TIMESTAMP", DuckDBTimestampType.instance, (v) => new DuckDBTimestampValue(timestampMicros(v)));
    case "BINARY_TYPE":
      return plan("BINARY", DuckDBBlobType.instance, (v) =>
        DuckDBBlobValue.fromString(Buffer.isBuffer(v) ? v.toString("latin1") : String(v)),
      );
    default:
      // STRING, VARCHAR, CHAR, INTERVAL, and ARRAY/MAP/STRUCT as the server's JSON text.
      return plan(typeName.replace(/_TYPE$/, "").replace("VARCHAR", "STRING"), DuckDBVarCharType.instance, (v) =>
        typeof v === "string" ? v : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)),
      );
  }
}

function plan(type: string, storageType: DuckDBType, convert: (value: unknown) => DuckDBValue): ColumnPlan {
  return { type, storageType, convert };
}

/** "-123.4500" with scale 4 → -1234500n, exactly. */
export function scaledDecimal(text: string, scale: number): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  let digits = `${whole}${fraction}`;
  let point = whole.length + Number(exponent);
  if (point < 0) {
    digits = `${"0".repeat(-point)}${digits}`;
    point = 0;
  }
  const padded = digits.padEnd(point + scale, "0");
  const value = BigInt(padded.slice(0, point + scale) || "0");
  return sign === "-" ? -value : value;
}

/** "2024-02-29 23:59:59.999999" (or a Date) → microseconds since the epoch, exactly. */
export function timestampMicros(value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    String(value).trim(),
  );
  if (!match) throw new Error(`not a timestamp: ${String(value)}`);
  const [, y, mo, d, h, mi, s, fraction = "", zone] = match;
  const days = BigInt(daysFromCivil(Number(y), Number(mo), Number(d)));
  let micros = ((days * 24n + BigInt(h)) * 60n + BigInt(mi)) * 60n * 1_000_000n + BigInt(s) * 1_000_000n;
  micros += BigInt(fraction.padEnd(6, "0").slice(0, 6));
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1n : 1n;
    const [zh, zm] = [zone.slice(1, 3), zone.slice(-2)];
    micros -= sign * (BigInt(zh) * 60n + BigInt(zm)) * 60_000_000n;
  }
  return micros;
}

function dateParts(value: unknown): { year: number; month: number; day: number } {
  if (value instanceof Date)
    return { year: value.getUTCFullYear(), month: value.getUTCMonth() + 1, day: value.getUTCDate() };
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(String(value));
  if (!match) throw new Error(`not a date: ${String(value)}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The result schema as the driver reports it (Thrift `TTableSchema`). */
export interface ThriftSchema {
  columns: {
    columnName: string;
    typeDesc: {
      types: {
        primitiveEntry?: { type: number; typeQualifiers?: { qualifiers?: Record<string, { i32Value?: number }> } };
      }[];
    };
  }[];
}

const TYPE_NAMES: Record<number, string> = {
  0: "BOOLEAN_TYPE",
  1: "TINYINT_TYPE",
  2: "SMALLINT_TYPE",
  3: "INT_TYPE",
  4: "BIGINT_TYPE",
  5: "FLOAT_TYPE",
  6: "DOUBLE_TYPE",
  7: "STRING_TYPE",
  8: "TIMESTAMP_TYPE",
  9: "BINARY_TYPE",
  10: "ARRAY_TYPE",
  11: "MAP_TYPE",
  12: "STRUCT_TYPE",
  13: "UNION_TYPE",
  14: "USER_DEFINED_TYPE",
  15: "DECIMAL_TYPE",
  16: "NULL_TYPE",
  17: "DATE_TYPE",
  18: "VARCHAR_TYPE",
  19: "CHAR_TYPE",
  20: "INTERVAL_YEAR_MONTH_TYPE",
  21: "INTERVAL_DAY_TIME_TYPE",
};

/** A Thrift schema column → its plan. */
export function planFor(column: ThriftSchema["columns"][number]): ColumnPlan {
  const entry = column.typeDesc.types[0]?.primitiveEntry;
  const qualifiers = entry?.typeQualifiers?.qualifiers ?? {};
  return columnPlan(
    TYPE_NAMES[entry?.type ?? 7] ?? "STRING_TYPE",
    qualifiers.precision?.i32Value,
    qualifiers.scale?.i32Value,
  );
}
