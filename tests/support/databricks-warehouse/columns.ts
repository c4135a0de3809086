import type { DuckDBBlobValue, DuckDBValue } from "@duckdb/node-api";
import { int64, ttypes } from "./thrift";
import { type ColumnSpec, tTypeId } from "./types";
import { textOf } from "./values";

const { TTypeId } = ttypes;

/**
 * Column-based results (the client did not ask for Arrow): one typed TColumn
 * per result column, nulls as a bitmap (bit i set = row i is NULL, LSB first)
 * with a placeholder in `values`. Everything without a numeric TColumn
 * (TIMESTAMP, DECIMAL, DATE, complex types) travels as text.
 */
export function toTColumns(columns: ColumnSpec[], values: DuckDBValue[][], rowCount: number) {
  return columns.map((column, i) => toTColumn(column, values[i] ?? [], rowCount));
}

function toTColumn(column: ColumnSpec, values: DuckDBValue[], rowCount: number) {
  const nulls = Buffer.alloc(Math.ceil(rowCount / 8));
  const pick = <V>(convert: (v: DuckDBValue) => V, placeholder: V): V[] =>
    values.slice(0, rowCount).map((v, i) => {
      if (v !== null) return convert(v);
      nulls[i >> 3] |= 1 << (i & 7);
      return placeholder;
    });
  switch (tTypeId(column.type)) {
    case TTypeId.BOOLEAN_TYPE:
      return new ttypes.TColumn({ boolVal: new ttypes.TBoolColumn({ values: pick((v) => v === true, false), nulls }) });
    case TTypeId.TINYINT_TYPE:
      return new ttypes.TColumn({ byteVal: new ttypes.TByteColumn({ values: pick(Number, 0), nulls }) });
    case TTypeId.SMALLINT_TYPE:
      return new ttypes.TColumn({ i16Val: new ttypes.TI16Column({ values: pick(Number, 0), nulls }) });
    case TTypeId.INT_TYPE:
      return new ttypes.TColumn({ i32Val: new ttypes.TI32Column({ values: pick(Number, 0), nulls }) });
    case TTypeId.BIGINT_TYPE:
      return new ttypes.TColumn({
        i64Val: new ttypes.TI64Column({ values: pick((v) => int64(v as bigint | number), int64(0)), nulls }),
      });
    case TTypeId.FLOAT_TYPE:
    case TTypeId.DOUBLE_TYPE:
      return new ttypes.TColumn({ doubleVal: new ttypes.TDoubleColumn({ values: pick(Number, 0), nulls }) });
    case TTypeId.BINARY_TYPE:
      return new ttypes.TColumn({
        binaryVal: new ttypes.TBinaryColumn({
          values: pick((v) => Buffer.from((v as DuckDBBlobValue).bytes), Buffer.alloc(0)),
          nulls,
        }),
      });
    default:
      return new ttypes.TColumn({ stringVal: new ttypes.TStringColumn({ values: pick(textOf, ""), nulls }) });
  }
}
