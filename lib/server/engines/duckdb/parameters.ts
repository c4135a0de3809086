import "server-only";
import {
  DECIMAL,
  DuckDBBigIntType,
  DuckDBDateType,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBDoubleType,
  DuckDBTimestampType,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  DuckDBVarCharType,
} from "@duckdb/node-api";
import { numberBinding, parseDate, parseTimestamp } from "@/lib/sql/parameter-values";
import type { BoundValue } from "@/lib/sql/parameters";
import { EngineError } from "../types";

/** A statement's parameter values as DuckDB binds them by name (`$name`), each with its type. */
export interface DuckDBParameters {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

export function duckdbParameters(bound: readonly BoundValue[]): DuckDBParameters | undefined {
  if (bound.length === 0) return undefined;
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const { name, type, value } of bound) {
    switch (type) {
      case "text":
        values[name] = value;
        types[name] = DuckDBVarCharType.instance;
        break;
      case "number": {
        const n = numberBinding(value);
        if (n.kind === "bigint") {
          values[name] = n.value;
          types[name] = DuckDBBigIntType.instance;
        } else if (n.kind === "decimal") {
          values[name] = new DuckDBDecimalValue(n.unscaled, n.width, n.scale);
          types[name] = DECIMAL(n.width, n.scale);
        } else {
          values[name] = n.value;
          types[name] = DuckDBDoubleType.instance;
        }
        break;
      }
      case "date": {
        const parts = parseDate(value);
        if (!parts) throw new EngineError(`The value of :${name} is not a date.`);
        values[name] = DuckDBDateValue.fromParts(parts);
        types[name] = DuckDBDateType.instance;
        break;
      }
      case "timestamp": {
        const t = parseTimestamp(value);
        if (!t) throw new EngineError(`The value of :${name} is not a timestamp.`);
        values[name] = DuckDBTimestampValue.fromParts({
          date: { year: t.year, month: t.month, day: t.day },
          time: { hour: t.hour, min: t.minute, sec: t.second, micros: t.micros },
        });
        types[name] = DuckDBTimestampType.instance;
        break;
      }
    }
  }
  return { values, types };
}
