import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from "@duckdb/node-api";

/** Microseconds since the epoch of any DuckDB timestamp value. */
export function timestampMicros(value: DuckDBValue): bigint {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return value.micros;
  if (value instanceof DuckDBTimestampSecondsValue) return value.seconds * 1_000_000n;
  if (value instanceof DuckDBTimestampMillisecondsValue) return value.millis * 1_000n;
  if (value instanceof DuckDBTimestampNanosecondsValue) return value.nanos / 1_000n;
  throw new Error(`not a timestamp: ${String(value)}`);
}

/** The unscaled integer of a DECIMAL (or of an integer sent as DECIMAL(38,0)). */
export function unscaled(value: DuckDBValue): bigint {
  if (value instanceof DuckDBDecimalValue) return value.value;
  if (typeof value === "bigint" || typeof value === "number") return BigInt(value);
  throw new Error(`not a decimal: ${String(value)}`);
}

/**
 * A value as text, the way DuckDB renders it when cast to VARCHAR (timestamps
 * keep their microseconds, decimals all their digits); LIST/STRUCT/MAP become
 * JSON, as Databricks sends complex values when the client cannot read them as Arrow.
 */
export function textOf(value: DuckDBValue): string {
  if (isComplex(value)) return jsonOf(value);
  return typeof value === "string" ? value : String(value);
}

export function isComplex(
  value: DuckDBValue,
): value is DuckDBListValue | DuckDBArrayValue | DuckDBStructValue | DuckDBMapValue {
  return (
    value instanceof DuckDBListValue ||
    value instanceof DuckDBArrayValue ||
    value instanceof DuckDBStructValue ||
    value instanceof DuckDBMapValue
  );
}

/** JSON text with exact numbers: BIGINT and DECIMAL digits are written as they are, not via a double. */
export function jsonOf(value: DuckDBValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === "bigint" || value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return `[${value.items.map(jsonOf).join(",")}]`;
  }
  if (value instanceof DuckDBStructValue) {
    return `{${Object.entries(value.entries)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonOf(v)}`)
      .join(",")}}`;
  }
  if (value instanceof DuckDBMapValue) {
    return `{${value.entries.map(({ key, value: v }) => `${JSON.stringify(textOf(key))}:${jsonOf(v)}`).join(",")}}`;
  }
  return JSON.stringify(String(value));
}

/**
 * A value for apache-arrow's builders (used for native complex columns):
 * timestamps as epoch milliseconds (the builder's unit, so nested timestamps
 * lose their microseconds), decimals as four little-endian 32-bit words.
 */
export function builderValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof DuckDBDecimalValue) return decimalWords(value.value);
  if (value instanceof DuckDBDateValue) return new Date(value.days * 86_400_000);
  if (value instanceof DuckDBBlobValue) return value.bytes;
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(builderValue);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, builderValue(v)]));
  }
  if (value instanceof DuckDBMapValue)
    return new Map(value.entries.map((e) => [builderValue(e.key), builderValue(e.value)]));
  try {
    return Number(timestampMicros(value) / 1000n);
  } catch {
    return String(value);
  }
}

export function decimalWords(unscaledValue: bigint): Uint32Array {
  const words = new BigInt64Array([BigInt.asIntN(64, unscaledValue), BigInt.asIntN(64, unscaledValue >> 64n)]);
  return new Uint32Array(words.buffer);
}
