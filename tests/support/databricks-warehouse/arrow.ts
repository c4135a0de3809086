import type { DuckDBValue } from "@duckdb/node-api";
import { A, type Arrow } from "./arrow-lib";
import { type ArrowFlags, arrowSchema, type ColumnSpec } from "./types";
import { builderValue, decimalWords, textOf, timestampMicros, unscaled } from "./values";

const EOS_BYTES = 8; // the IPC stream's end marker: 0xFFFFFFFF 0x00000000

/**
 * Arrow results the way Databricks sends them: `arrowSchema` is the IPC
 * stream's schema message, and each FetchResults batch is one IPC
 * record-batch message. The driver concatenates [schema, ...batches] and
 * reads them as one stream.
 */
export class ArrowEncoder {
  readonly schema: Arrow.Schema;
  readonly schemaBytes: Buffer;

  constructor(columns: ColumnSpec[], flags: ArrowFlags) {
    this.schema = arrowSchema(columns, flags);
    this.schemaBytes = Buffer.from(schemaOnly(this.schema));
  }

  /** One record-batch message for column-major values. */
  encode(columns: DuckDBValue[][], rowCount: number): Buffer {
    const children = this.schema.fields.map((field, i) => columnData(field.type, columns[i], rowCount));
    const data = A.makeData({ type: new A.Struct(this.schema.fields), length: rowCount, nullCount: 0, children });
    const stream = A.RecordBatchStreamWriter.writeAll([new A.RecordBatch(this.schema, data)]).toUint8Array(true);
    return Buffer.from(stream.subarray(this.schemaBytes.length, stream.length - EOS_BYTES));
  }
}

function schemaOnly(schema: Arrow.Schema): Uint8Array {
  const writer = new A.RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  writer.finish();
  const bytes = writer.toUint8Array(true);
  return bytes.subarray(0, bytes.length - EOS_BYTES);
}

function columnData(type: Arrow.DataType, values: DuckDBValue[], length: number): Arrow.Data {
  const { nullBitmap, nullCount } = validity(values, length);
  const fixed = (data: ArrayBufferView) =>
    A.makeData({ type, length, nullCount, nullBitmap, data } as never) as Arrow.Data;
  if (A.DataType.isInt(type) && type.bitWidth === 64) {
    return fixed(BigInt64Array.from(values, (v) => (v === null ? 0n : BigInt(v as bigint | number))));
  }
  if (A.DataType.isTimestamp(type)) {
    const micros = BigInt64Array.from(values, (v) => (v === null ? 0n : timestampMicros(v)));
    return fixed(new Int32Array(micros.buffer));
  }
  if (A.DataType.isDecimal(type)) {
    const words = new Uint32Array(length * 4);
    values.forEach((v, i) => {
      if (v !== null) words.set(decimalWords(unscaled(v)), i * 4);
    });
    return fixed(words);
  }
  if (A.DataType.isDate(type)) {
    return fixed(Int32Array.from(values, (v) => (v === null ? 0 : (v as { days: number }).days)));
  }
  if (A.DataType.isUtf8(type)) {
    return A.vectorFromArray(
      values.map((v) => (v === null ? null : textOf(v))),
      type,
    ).data[0];
  }
  return A.vectorFromArray(values.map(builderValue), type).data[0];
}

function validity(values: DuckDBValue[], length: number): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i += 1) {
    if (values[i] === null) nullCount += 1;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  }
  return { nullBitmap, nullCount };
}
