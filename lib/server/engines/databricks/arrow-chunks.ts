import "server-only";
import { DuckDBDataChunk, DuckDBDecimalType, DuckDBTypeId } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { Arrow, type ArrowModule } from "../../arrow";
import { writeDecimal, writeTimestamp } from "./text-bytes";
import type { ColumnPlan } from "./types";

type Data = ArrowModule.Data;
type Vector = duckdb.Vector;

/** DuckDB chunks hold at most this many rows. */
const CHUNK_ROWS = 2048;

/**
 * Writes rows [start, start + n) of one Arrow column into a DuckDB vector.
 * Fixed-width values are copied as bytes; text goes value by value into
 * DuckDB's string heap from the Arrow buffer (no JavaScript string); the
 * warehouse's TIMESTAMP and DECIMAL text is read into integers from its bytes.
 */
type ColumnWriter = (target: Vector, data: Data, start: number, n: number) => void;

/**
 * Record batches → DuckDB chunks, column by column: no JavaScript object per
 * row or per value on the common types. A column of a type this does not
 * know (a driver or warehouse sending something new) is converted value by
 * value through its plan, exactly as the row path does.
 */
export class ArrowChunkWriter {
  private readonly writers: (ColumnWriter | null)[];

  constructor(
    private readonly plans: readonly ColumnPlan[],
    schema: ArrowModule.Schema,
  ) {
    this.writers = plans.map((plan, c) => writerFor(schema.fields[c]?.type, plan));
  }

  *chunks(batch: ArrowModule.RecordBatch): Generator<DuckDBDataChunk> {
    const types = this.plans.map((p) => p.storageType);
    const columns = batch.data.children;
    for (let start = 0; start < batch.numRows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.numRows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let c = 0; c < this.plans.length; c += 1) {
        const writer = this.writers[c];
        if (writer) {
          writer(duckdb.data_chunk_get_vector(chunk.chunk, c), columns[c], start, n);
        } else {
          const plan = this.plans[c];
          const vector = batch.getChildAt(c);
          const values = [];
          for (let i = 0; i < n; i += 1) {
            const value = vector?.get(start + i);
            values.push(value === null || value === undefined ? null : plan.convert(value));
          }
          chunk.setColumnValues(c, values);
        }
      }
      yield chunk;
    }
  }
}

const INT_BYTES: Record<number, number> = {
  [DuckDBTypeId.TINYINT]: 1,
  [DuckDBTypeId.SMALLINT]: 2,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.BIGINT]: 8,
};

function writerFor(type: ArrowModule.DataType | undefined, plan: ColumnPlan): ColumnWriter | null {
  if (!type) return null;
  const { DataType, Precision } = Arrow;
  const target = plan.storageType.typeId;
  const fixed = (bytes: number): ColumnWriter => withValidity(copyFixed(bytes));
  switch (target) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT: {
      const bytes = INT_BYTES[target];
      return DataType.isInt(type) && type.isSigned && type.bitWidth === bytes * 8 ? fixed(bytes) : null;
    }
    case DuckDBTypeId.FLOAT:
      return DataType.isFloat(type) && type.precision === Precision.SINGLE ? fixed(4) : null;
    case DuckDBTypeId.DOUBLE:
      return DataType.isFloat(type) && type.precision === Precision.DOUBLE ? fixed(8) : null;
    case DuckDBTypeId.DATE:
      return DataType.isDate(type) && type.unit === Arrow.DateUnit.DAY ? fixed(4) : null;
    case DuckDBTypeId.BOOLEAN:
      return DataType.isBool(type) ? withValidity(copyBooleans) : null;
    case DuckDBTypeId.VARCHAR:
      return DataType.isUtf8(type) ? withValidity(copyBytes) : null;
    case DuckDBTypeId.BLOB:
      return DataType.isBinary(type) ? withValidity(copyBytes) : null;
    case DuckDBTypeId.TIMESTAMP:
      return DataType.isUtf8(type) ? withValidity(parsed(2, writeTimestamp)) : null;
    case DuckDBTypeId.DECIMAL: {
      if (!DataType.isUtf8(type) || !(plan.storageType instanceof DuckDBDecimalType)) return null;
      const { width, scale } = plan.storageType;
      if (width <= 4) return withValidity(parsedDecimal(scale, 1, true));
      return withValidity(parsedDecimal(scale, width <= 9 ? 1 : width <= 18 ? 2 : 4));
    }
    default:
      return null;
  }
}

const valid = (data: Data, row: number) =>
  data.nullCount === 0 || !data.nullBitmap || ((data.nullBitmap[row >> 3] >> (row & 7)) & 1) === 1;

/** Copies the validity bits (Arrow's and DuckDB's masks share the bit order), then the values. */
function withValidity(write: ColumnWriter): ColumnWriter {
  return (target, data, start, n) => {
    write(target, data, start, n);
    if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return;
    duckdb.vector_ensure_validity_writable(target);
    const first = data.offset + start;
    const bytes = Math.ceil(n / 8);
    let mask: Uint8Array;
    if (first % 8 === 0) {
      mask = data.nullBitmap.subarray(first >> 3, (first >> 3) + bytes);
    } else {
      mask = new Uint8Array(bytes);
      for (let i = 0; i < n; i += 1) if (valid(data, first + i)) mask[i >> 3] |= 1 << (i & 7);
    }
    duckdb.copy_data_to_vector_validity(target, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
  };
}

function copyFixed(bytes: number): ColumnWriter {
  return (target, data, start, n) => {
    const values = data.values as ArrayBufferView;
    // apache-arrow slices a fixed-width buffer with the data: `offset` counts only in the validity bits.
    const from = values.byteOffset + start * bytes;
    duckdb.copy_data_to_vector(target, 0, values.buffer as ArrayBuffer, from, n * bytes);
  };
}

const copyBooleans: ColumnWriter = (target, data, start, n) => {
  const bits = data.values as Uint8Array;
  const out = new Uint8Array(n);
  for (let i = 0, bit = data.offset + start; i < n; i += 1, bit += 1) out[i] = (bits[bit >> 3] >> (bit & 7)) & 1;
  duckdb.copy_data_to_vector(target, 0, out.buffer, 0, n);
};

const copyBytes: ColumnWriter = (target, data, start, n) => {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  // The offsets buffer is sliced with the data: `offset` counts only in the validity bits.
  for (let i = 0, row = start; i < n; i += 1, row += 1) {
    if (valid(data, data.offset + row))
      duckdb.vector_assign_string_element_len(target, i, bytes.subarray(offsets[row], offsets[row + 1]));
  }
};

type TextReader = (bytes: Uint8Array, from: number, to: number, out: Int32Array, i: number) => void;

/**
 * Text values read into `words` 32-bit words each, then copied as one block;
 * `narrow` keeps the low 16 bits of each (DECIMAL(p ≤ 4) is stored in a SMALLINT).
 */
function parsed(words: number, read: TextReader, narrow = false): ColumnWriter {
  return (target, data, start, n) => {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const out = new Int32Array(n * words);
    for (let i = 0, row = start; i < n; i += 1, row += 1) {
      if (valid(data, data.offset + row)) read(bytes, offsets[row], offsets[row + 1], out, i);
    }
    const block = narrow ? Int16Array.from(out) : out;
    duckdb.copy_data_to_vector(target, 0, block.buffer, 0, block.byteLength);
  };
}

function parsedDecimal(scale: number, words: 1 | 2 | 4, narrow = false): ColumnWriter {
  return parsed(words, (bytes, from, to, out, i) => writeDecimal(bytes, from, to, scale, out, i, words), narrow);
}
