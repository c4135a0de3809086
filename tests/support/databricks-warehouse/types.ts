import { type DuckDBType, DuckDBTypeId as Id } from "@duckdb/node-api";
import { A, type Arrow } from "./arrow-lib";
import { type T, ttypes } from "./thrift";

const { TTypeId } = ttypes;

export interface ColumnSpec {
  name: string;
  type: DuckDBType;
}

/** The request's `useArrowNativeTypes`: which types travel as native Arrow instead of text. */
export interface ArrowFlags {
  timestamp: boolean;
  decimal: boolean;
  complex: boolean;
}

/** Types Databricks has no equal for become DECIMAL(38,0) (integers too wide for BIGINT) or STRING. */
const WIDE_INTEGERS = new Set([Id.UBIGINT, Id.HUGEINT, Id.UHUGEINT, Id.BIGNUM]);
const TIMESTAMPS = new Set([Id.TIMESTAMP, Id.TIMESTAMP_S, Id.TIMESTAMP_MS, Id.TIMESTAMP_NS, Id.TIMESTAMP_TZ]);

export function tTypeId(type: DuckDBType): T.TTypeId {
  switch (type.typeId) {
    case Id.BOOLEAN:
      return TTypeId.BOOLEAN_TYPE;
    case Id.TINYINT:
      return TTypeId.TINYINT_TYPE;
    case Id.SMALLINT:
    case Id.UTINYINT:
      return TTypeId.SMALLINT_TYPE;
    case Id.INTEGER:
    case Id.USMALLINT:
      return TTypeId.INT_TYPE;
    case Id.BIGINT:
    case Id.UINTEGER:
      return TTypeId.BIGINT_TYPE;
    case Id.FLOAT:
      return TTypeId.FLOAT_TYPE;
    case Id.DOUBLE:
      return TTypeId.DOUBLE_TYPE;
    case Id.DATE:
      return TTypeId.DATE_TYPE;
    case Id.DECIMAL:
      return TTypeId.DECIMAL_TYPE;
    case Id.BLOB:
      return TTypeId.BINARY_TYPE;
    case Id.LIST:
    case Id.ARRAY:
      return TTypeId.ARRAY_TYPE;
    case Id.MAP:
      return TTypeId.MAP_TYPE;
    case Id.STRUCT:
      return TTypeId.STRUCT_TYPE;
    default:
      if (TIMESTAMPS.has(type.typeId)) return TTypeId.TIMESTAMP_TYPE;
      if (WIDE_INTEGERS.has(type.typeId)) return TTypeId.DECIMAL_TYPE;
      return TTypeId.STRING_TYPE;
  }
}

export function decimalShape(type: DuckDBType): { precision: number; scale: number } | null {
  if (type.typeId === Id.DECIMAL) return { precision: type.width, scale: type.scale };
  return WIDE_INTEGERS.has(type.typeId) ? { precision: 38, scale: 0 } : null;
}

/** The Databricks SQL name of a type, as GetColumns' TYPE_NAME and DESCRIBE show it. */
export function typeName(type: DuckDBType): string {
  const decimal = decimalShape(type);
  if (decimal) return `DECIMAL(${decimal.precision},${decimal.scale})`;
  switch (type.typeId) {
    case Id.LIST:
    case Id.ARRAY:
      return `ARRAY<${typeName(type.valueType)}>`;
    case Id.MAP:
      return `MAP<${typeName(type.keyType)}, ${typeName(type.valueType)}>`;
    case Id.STRUCT:
      return `STRUCT<${type.entryNames.map((n, i) => `${n}: ${typeName(type.entryTypes[i])}`).join(", ")}>`;
    default:
      return ttypes.TYPE_NAMES[tTypeId(type)] ?? "STRING";
  }
}

/** The Arrow type a column travels as. Nested values inside native complex types are always native. */
export function arrowType(type: DuckDBType, flags: ArrowFlags): Arrow.DataType {
  const id = tTypeId(type);
  switch (id) {
    case TTypeId.BOOLEAN_TYPE:
      return new A.Bool();
    case TTypeId.TINYINT_TYPE:
      return new A.Int8();
    case TTypeId.SMALLINT_TYPE:
      return new A.Int16();
    case TTypeId.INT_TYPE:
      return new A.Int32();
    case TTypeId.BIGINT_TYPE:
      return new A.Int64();
    case TTypeId.FLOAT_TYPE:
      return new A.Float32();
    case TTypeId.DOUBLE_TYPE:
      return new A.Float64();
    case TTypeId.DATE_TYPE:
      return new A.DateDay();
    case TTypeId.BINARY_TYPE:
      return new A.Binary();
    case TTypeId.TIMESTAMP_TYPE:
      return flags.timestamp ? new A.TimestampMicrosecond("Etc/UTC") : new A.Utf8();
    case TTypeId.DECIMAL_TYPE: {
      const { precision, scale } = decimalShape(type)!;
      return flags.decimal ? new A.Decimal(scale, precision, 128) : new A.Utf8();
    }
    default:
      return flags.complex ? complexArrowType(type) : new A.Utf8();
  }
}

function complexArrowType(type: DuckDBType): Arrow.DataType {
  const native: ArrowFlags = { timestamp: true, decimal: true, complex: true };
  switch (type.typeId) {
    case Id.LIST:
    case Id.ARRAY:
      return new A.List(new A.Field("element", arrowType(type.valueType, native), true));
    case Id.STRUCT:
      return new A.Struct(type.entryNames.map((n, i) => new A.Field(n, arrowType(type.entryTypes[i], native), true)));
    case Id.MAP: {
      const key = new A.Field("key", arrowType(type.keyType, native), false);
      const value = new A.Field("value", arrowType(type.valueType, native), true);
      return new A.Map_(new A.Field("entries", new A.Struct([key, value]), false) as never);
    }
    default:
      return new A.Utf8();
  }
}

/**
 * The Hive schema. Every column, complex ones included, is described by a
 * primitiveEntry: the driver reads only `typeDesc.types[0].primitiveEntry`.
 */
export function tableSchema(columns: ColumnSpec[]): T.TTableSchema {
  return new ttypes.TTableSchema({
    columns: columns.map((column, i) => {
      const decimal = decimalShape(column.type);
      const typeQualifiers = decimal
        ? new ttypes.TTypeQualifiers({
            qualifiers: {
              precision: new ttypes.TTypeQualifierValue({ i32Value: decimal.precision }),
              scale: new ttypes.TTypeQualifierValue({ i32Value: decimal.scale }),
            },
          })
        : undefined;
      const entry = new ttypes.TPrimitiveTypeEntry({ type: tTypeId(column.type), typeQualifiers });
      return new ttypes.TColumnDesc({
        columnName: column.name,
        typeDesc: new ttypes.TTypeDesc({ types: [new ttypes.TTypeEntry({ primitiveEntry: entry })] }),
        position: i + 1,
        comment: typeName(column.type),
      });
    }),
  });
}

export function arrowSchema(columns: ColumnSpec[], flags: ArrowFlags): Arrow.Schema {
  return new A.Schema(columns.map((c) => new A.Field(c.name, arrowType(c.type, flags), true)));
}
