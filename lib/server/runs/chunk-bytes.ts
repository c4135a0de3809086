import "server-only";
import type { DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { DuckDBTypeId } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";

/**
 * The result store's one measure of size: the bytes of the values as DuckDB
 * hands them over, before compression. A value counts its width (a string or
 * blob: its length plus its 4-byte header; a list: its 16-byte entry plus its
 * elements) plus one byte for its validity, statistics and share of block
 * headers. DuckDB stores a result in at most this much (random 64-bit
 * integers, the least compressible, take 8.65 bytes a value; text 0.1-0.7 of
 * it), except for the one block every table takes (`TABLE_BYTES`).
 *
 * Strings are measured from DuckDB's own vectors (the length in each 16-byte
 * string header), never by converting values to JavaScript: a batch costs a
 * few microseconds, so every batch is measured.
 */
const VALUE_OVERHEAD = 1;
const STRING_HEADER = 4;
const LIST_ENTRY = 16;
/** DuckDB's block size: every table, however small, takes at least one block of the results file. */
export const TABLE_BYTES = 256 * 1024;

const WIDTHS: Partial<Record<DuckDBTypeId, number>> = {
  [DuckDBTypeId.BOOLEAN]: 1,
  [DuckDBTypeId.TINYINT]: 1,
  [DuckDBTypeId.UTINYINT]: 1,
  [DuckDBTypeId.SMALLINT]: 2,
  [DuckDBTypeId.USMALLINT]: 2,
  [DuckDBTypeId.INTEGER]: 4,
  [DuckDBTypeId.UINTEGER]: 4,
  [DuckDBTypeId.FLOAT]: 4,
  [DuckDBTypeId.DATE]: 4,
  [DuckDBTypeId.ENUM]: 4,
  [DuckDBTypeId.BIGINT]: 8,
  [DuckDBTypeId.UBIGINT]: 8,
  [DuckDBTypeId.DOUBLE]: 8,
  [DuckDBTypeId.TIMESTAMP]: 8,
  [DuckDBTypeId.TIMESTAMP_S]: 8,
  [DuckDBTypeId.TIMESTAMP_MS]: 8,
  [DuckDBTypeId.TIMESTAMP_NS]: 8,
  [DuckDBTypeId.TIMESTAMP_TZ]: 8,
  [DuckDBTypeId.TIME]: 8,
  [DuckDBTypeId.TIME_NS]: 8,
  [DuckDBTypeId.TIME_TZ]: 8,
  [DuckDBTypeId.SQLNULL]: 0,
};
/** Types stored as DuckDB strings (16-byte headers, the bytes elsewhere). */
const STRINGS = new Set([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BLOB,
  DuckDBTypeId.BIT,
  DuckDBTypeId.BIGNUM,
  DuckDBTypeId.GEOMETRY,
]);

/** Bytes of a batch, by the measure above. */
export function chunkBytes(chunk: DuckDBDataChunk, types: readonly DuckDBType[]): number {
  let total = 0;
  const count = chunk.rowCount;
  for (let c = 0; c < types.length; c++) {
    total += vectorBytes(duckdb.data_chunk_get_vector(chunk.chunk, c), types[c], count, null);
  }
  return total;
}

/** Bytes of each row of a batch, to cut it where a limit falls. */
export function rowBytes(chunk: DuckDBDataChunk, types: readonly DuckDBType[]): Float64Array {
  const rows = new Float64Array(chunk.rowCount);
  for (let c = 0; c < types.length; c++) {
    vectorBytes(duckdb.data_chunk_get_vector(chunk.chunk, c), types[c], chunk.rowCount, rows);
  }
  return rows;
}

/** The most leading rows whose bytes add up to at most `room`, and their bytes. */
export function rowsWithin(rows: Float64Array, room: number): { rows: number; bytes: number } {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    if (bytes + rows[i] > room) return { rows: i, bytes };
    bytes += rows[i];
  }
  return { rows: rows.length, bytes };
}

/**
 * Bytes of the first `count` values of a vector; with `perRow`, each value's
 * bytes are also added to its row there.
 */
function vectorBytes(vector: duckdb.Vector, type: DuckDBType, count: number, perRow: Float64Array | null): number {
  if (count === 0) return 0;
  const width = WIDTHS[type.typeId];
  if (width !== undefined) return fixed(width + VALUE_OVERHEAD, count, perRow);
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
      return fixed(decimalWidth(type.width) + VALUE_OVERHEAD, count, perRow);
    case DuckDBTypeId.LIST:
      return listBytes(vector, count, perRow, (child, n, rows) => vectorBytes(child, type.valueType, n, rows));
    case DuckDBTypeId.MAP:
      return listBytes(vector, count, perRow, (child, n, rows) => {
        const keys = vectorBytes(duckdb.struct_vector_get_child(child, 0), type.keyType, n, rows);
        return keys + vectorBytes(duckdb.struct_vector_get_child(child, 1), type.valueType, n, rows);
      });
    case DuckDBTypeId.STRUCT: {
      let total = fixed(VALUE_OVERHEAD, count, perRow);
      type.entryTypes.forEach((entry, i) => {
        total += vectorBytes(duckdb.struct_vector_get_child(vector, i), entry, count, perRow);
      });
      return total;
    }
    case DuckDBTypeId.UNION: {
      // A union is a struct of its tag and one child per member.
      let total = fixed(1 + VALUE_OVERHEAD, count, perRow);
      type.memberTypes.forEach((member, i) => {
        total += vectorBytes(duckdb.struct_vector_get_child(vector, i + 1), member, count, perRow);
      });
      return total;
    }
    case DuckDBTypeId.ARRAY:
      return arrayBytes(vector, type.valueType, type.length, count, perRow);
    default:
      return STRINGS.has(type.typeId) ? stringBytes(vector, count, perRow) : fixed(16 + VALUE_OVERHEAD, count, perRow);
  }
}

function fixed(bytes: number, count: number, perRow: Float64Array | null): number {
  if (perRow) for (let i = 0; i < count; i++) perRow[i] += bytes;
  return bytes * count;
}

function decimalWidth(digits: number): number {
  return digits <= 4 ? 2 : digits <= 9 ? 4 : digits <= 18 ? 8 : 16;
}

/** Whether value `i` is valid: bit i of DuckDB's validity mask (none at all: every value is). */
function validAt(validity: Uint8Array | null, i: number): boolean {
  return !validity || validity.byteLength === 0 || (validity[i >> 3] & (1 << (i & 7))) !== 0;
}

function validityOf(vector: duckdb.Vector, count: number): Uint8Array | null {
  return duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
}

/** Strings: the length in each 16-byte header (garbage for NULLs, which count as empty). */
function stringBytes(vector: duckdb.Vector, count: number, perRow: Float64Array | null): number {
  const data = duckdb.vector_get_data(vector, count * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = validityOf(vector, count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const bytes = (validAt(validity, i) ? view.getUint32(i * 16, true) : 0) + STRING_HEADER + VALUE_OVERHEAD;
    total += bytes;
    if (perRow) perRow[i] += bytes;
  }
  return total;
}

/** Lists and maps: each row's 16-byte entry (offset, length) plus the elements it names. */
function listBytes(
  vector: duckdb.Vector,
  count: number,
  perRow: Float64Array | null,
  children: (child: duckdb.Vector, n: number, rows: Float64Array | null) => number,
): number {
  const childCount = duckdb.list_vector_get_size(vector);
  const own = fixed(LIST_ENTRY + VALUE_OVERHEAD, count, perRow);
  if (!perRow) return own + children(duckdb.list_vector_get_child(vector), childCount, null);
  const childRows = new Float64Array(childCount);
  const total = own + children(duckdb.list_vector_get_child(vector), childCount, childRows);
  const entries = duckdb.vector_get_data(vector, count * 16);
  const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const validity = validityOf(vector, count);
  for (let i = 0; i < count; i++) {
    if (!validAt(validity, i)) continue;
    const offset = Number(view.getBigUint64(i * 16, true));
    const length = Number(view.getBigUint64(i * 16 + 8, true));
    for (let j = offset; j < offset + length && j < childCount; j++) perRow[i] += childRows[j];
  }
  return total;
}

/** Fixed-size arrays: `size` elements per row, one after another in the child. */
function arrayBytes(
  vector: duckdb.Vector,
  elementType: DuckDBType,
  size: number,
  count: number,
  perRow: Float64Array | null,
): number {
  const child = duckdb.array_vector_get_child(vector);
  const own = fixed(VALUE_OVERHEAD, count, perRow);
  if (!perRow) return own + vectorBytes(child, elementType, count * size, null);
  const childRows = new Float64Array(count * size);
  const total = own + vectorBytes(child, elementType, count * size, childRows);
  for (let i = 0; i < count; i++) {
    for (let j = i * size; j < (i + 1) * size; j++) perRow[i] += childRows[j];
  }
  return total;
}
