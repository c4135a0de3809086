import "server-only";
import type { DuckDBConnection, DuckDBDataChunk } from "@duckdb/node-api";
import { UserError } from "@/lib/action-result";
import { Arrow, type ArrowModule } from "../arrow";
import { releaseNativeMemory } from "../native-memory";
import type { CsvStore } from "./csv-files";
import { uniqueNames } from "./export-sql";
import { storedColumnName } from "./store-sql";

const {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} = Arrow;
type RecordBatch = ArrowModule.RecordBatch;
type Schema = ArrowModule.Schema;
type Data = ArrowModule.Data;

/**
 * A stored result as an Arrow IPC stream (`application/vnd.apache.arrow.stream`),
 * in constant memory: one record batch of up to 16,384 rows at a time, each
 * column in Arrow's own type where there is an exact one — BIGINT as Int64,
 * DECIMAL(p,s) as Decimal128(p,s), TIMESTAMP as microseconds, DATE as days —
 * and everything else as DuckDB's text of the value (HUGEINT, intervals,
 * lists…), so nothing is rounded on the way.
 *
 * apache-arrow serialises each batch; the stream is those messages in the
 * order the IPC format defines (schema, batches, end-of-stream marker), so
 * each batch is written as a small stream of its own with its schema and
 * end marker cut off (their framing is fixed by the format).
 */
export function arrowStream(
  store: CsvStore,
  table: string,
  columns: readonly { name: string; type: string }[],
  onEnd: () => void,
): ReadableStream<Uint8Array> {
  const kinds = columns.map((c) => kindOf(c.type));
  const names = uniqueNames(columns.map((c) => c.name));
  const schema = new Schema(names.map((name, i) => new Field(name, arrowType(kinds[i]), true)));
  const select = kinds
    .map((kind, i) => (kind.kind === "text" ? `CAST(${storedColumnName(i)} AS VARCHAR)` : storedColumnName(i)))
    .join(", ");
  let connection: DuckDBConnection | null = null;
  let chunks: AsyncGenerator<DuckDBDataChunk> | null = null;
  let first = true;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    connection?.closeSync();
    onEnd();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!chunks) {
            connection = await store.connect();
            chunks = streamChunks(connection, `SELECT ${select} FROM ${table}`);
          }
          const batch = await nextBatch(chunks, kinds, schema);
          const done = batch === null;
          const bytes = ipcMessages(batch ?? emptyBatch(schema), { first, last: done });
          first = false;
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          if (done) {
            end();
            controller.close();
          }
        } catch (error) {
          end();
          controller.error(error);
        }
      },
      async cancel() {
        await chunks?.return(undefined).catch(() => {});
        end();
      },
    },
    { highWaterMark: 0 },
  );
}

const BATCH_ROWS = 16_384;
const EOS_BYTES = 8;

type Kind =
  | { kind: "bool" | "int32" | "int64" | "float64" | "date" | "timestamp" | "timestamptz" | "text" }
  | { kind: "decimal"; precision: number; scale: number };

function kindOf(type: string): Kind {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (decimal) return { kind: "decimal", precision: Number(decimal[1]), scale: Number(decimal[2]) };
  switch (type) {
    case "BOOLEAN":
      return { kind: "bool" };
    case "TINYINT":
    case "SMALLINT":
    case "INTEGER":
    case "UTINYINT":
    case "USMALLINT":
      return { kind: "int32" };
    case "BIGINT":
    case "UINTEGER":
      return { kind: "int64" };
    case "FLOAT":
    case "DOUBLE":
      return { kind: "float64" };
    case "DATE":
      return { kind: "date" };
    case "TIMESTAMP":
      return { kind: "timestamp" };
    case "TIMESTAMP WITH TIME ZONE":
      return { kind: "timestamptz" };
    default:
      return { kind: "text" };
  }
}

function arrowType(kind: Kind) {
  switch (kind.kind) {
    case "bool":
      return new Bool();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "float64":
      return new Float64();
    case "date":
      return new DateDay();
    case "timestamp":
      return new TimestampMicrosecond();
    case "timestamptz":
      return new TimestampMicrosecond("UTC");
    case "decimal":
      return new Decimal(kind.scale, kind.precision, 128);
    default:
      return new Utf8();
  }
}

async function* streamChunks(connection: DuckDBConnection, sql: string): AsyncGenerator<DuckDBDataChunk> {
  const result = await connection.stream(sql);
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk;
    if (++n % 16 === 0) releaseNativeMemory();
  }
}

/** The next batch of up to BATCH_ROWS rows, or null at the end. */
async function nextBatch(
  chunks: AsyncGenerator<DuckDBDataChunk>,
  kinds: Kind[],
  schema: Schema,
): Promise<RecordBatch | null> {
  const taken: DuckDBDataChunk[] = [];
  let rows = 0;
  while (rows < BATCH_ROWS) {
    const { value: chunk, done } = await chunks.next();
    if (done) break;
    taken.push(chunk);
    rows += chunk.rowCount;
  }
  if (rows === 0) return null;
  const children = kinds.map((kind, c) => columnData(kind, taken, c, rows, schema.fields[c].type));
  const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => vectorFromArray([], f.type).data[0]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}

/** What a column's vectors hand over: one value of the row, or null. */
type ItemOf = (vector: ReturnType<DuckDBDataChunk["getColumnVector"]>, row: number) => unknown;

const ITEM: ItemOf = (vector, row) => vector.getItem(row);
/** A decimal's unscaled integer, without making a value object (every DuckDB decimal vector has it). */
const SCALED: ItemOf = (vector, row) =>
  (vector as unknown as { getScaledValue(i: number): bigint | number | null }).getScaledValue(row);

/**
 * One column of a batch as Arrow data, written straight into typed arrays
 * from the chunks' vectors: a validity bitmap, and values in Arrow's layout.
 */
// biome-ignore lint/suspicious/noExplicitAny: each case builds the Data of its own Arrow type.
function columnData(kind: Kind, chunks: DuckDBDataChunk[], column: number, length: number, type: any): Data {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  /** Calls `set` with each row's value (and its index in the batch), marking nulls. */
  const each = (item: ItemOf, set: (value: NonNullable<unknown>, at: number) => void) => {
    let at = 0;
    for (const chunk of chunks) {
      const vector = chunk.getColumnVector(column);
      for (let row = 0; row < chunk.rowCount; row++, at++) {
        const value = item(vector, row);
        if (value === null || value === undefined) nullCount++;
        else {
          nullBitmap[at >> 3] |= 1 << (at & 7);
          set(value, at);
        }
      }
    }
  };
  switch (kind.kind) {
    case "bool": {
      const bits = new Uint8Array(Math.ceil(length / 8));
      each(ITEM, (v, at) => {
        if (v === true) bits[at >> 3] |= 1 << (at & 7);
      });
      return makeData({ type, length, nullCount, nullBitmap, data: bits });
    }
    case "int32": {
      const data = new Int32Array(length);
      each(ITEM, (v, at) => {
        data[at] = Number(v);
      });
      return makeData({ type, length, nullCount, nullBitmap, data });
    }
    case "float64": {
      const data = new Float64Array(length);
      each(ITEM, (v, at) => {
        data[at] = Number(v);
      });
      return makeData({ type, length, nullCount, nullBitmap, data });
    }
    case "int64": {
      const data = new BigInt64Array(length);
      each(ITEM, (v, at) => {
        data[at] = BigInt(v as bigint | number);
      });
      return makeData({ type, length, nullCount, nullBitmap, data });
    }
    case "date": {
      const data = new Int32Array(length);
      each(ITEM, (v, at) => {
        data[at] = (v as { days: number }).days;
      });
      return makeData({ type, length, nullCount, nullBitmap, data });
    }
    case "timestamp":
    case "timestamptz": {
      const data = new BigInt64Array(length);
      each(ITEM, (v, at) => {
        data[at] = (v as { micros: bigint }).micros;
      });
      return makeData({ type, length, nullCount, nullBitmap, data });
    }
    case "decimal": {
      // Decimal128: each value's unscaled integer as 16 little-endian bytes, two's complement.
      const words = new BigUint64Array(length * 2);
      each(SCALED, (v, at) => {
        const unscaled = BigInt.asUintN(128, BigInt(v as bigint | number));
        words[at * 2] = unscaled & 0xffff_ffff_ffff_ffffn;
        words[at * 2 + 1] = unscaled >> 64n;
      });
      return makeData({ type, length, nullCount, nullBitmap, data: new Uint32Array(words.buffer) });
    }
    default: {
      // Utf8: the strings' bytes end to end, and where each one starts.
      const texts: string[] = new Array(length).fill("");
      let bytes = 0;
      each(ITEM, (v, at) => {
        const text = String(v);
        texts[at] = text;
        bytes += Buffer.byteLength(text, "utf8");
      });
      const data = Buffer.allocUnsafe(bytes);
      const valueOffsets = new Int32Array(length + 1);
      let offset = 0;
      for (let i = 0; i < length; i++) {
        offset += data.write(texts[i], offset, "utf8");
        valueOffsets[i + 1] = offset;
      }
      return makeData({
        type,
        length,
        nullCount,
        nullBitmap,
        valueOffsets,
        data: new Uint8Array(data.buffer, data.byteOffset, bytes),
      });
    }
  }
}

/** The IPC bytes of one batch within the stream: the schema only before the first, the end marker only after the last. */
function ipcMessages(batch: RecordBatch, place: { first: boolean; last: boolean }): Uint8Array {
  const whole = tableToIPC(new Table([batch]), "stream");
  const start = place.first ? 0 : schemaMessageLength(whole);
  const end = place.last ? whole.byteLength : whole.byteLength - EOS_BYTES;
  if (!place.first && batch.numRows === 0 && place.last) return whole.subarray(whole.byteLength - EOS_BYTES);
  return whole.subarray(start, end);
}

/** An encapsulated message: 0xFFFFFFFF, the metadata's length, the metadata; a schema has no body. */
function schemaMessageLength(stream: Uint8Array): number {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  if (view.getUint32(0, true) !== 0xffff_ffff) throw new UserError("Arrow IPC: unexpected message framing.");
  return 8 + view.getInt32(4, true);
}
