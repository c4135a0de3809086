import "server-only";
import { daysFromCivil, scaledDecimal, timestampMicros } from "./types";

/**
 * The warehouse's text of a TIMESTAMP or DECIMAL, read straight from the UTF-8
 * bytes of an Arrow string column into the 64- or 128-bit integers DuckDB
 * stores, without making a JavaScript string, Date or BigInt per value.
 *
 * Each reader takes the common shape fast (`2024-02-29 23:59:59.999999`,
 * `-1234.50`) and hands anything else to the exact text parsers the row path
 * uses (`timestampMicros`, `scaledDecimal`), so both paths give the same value
 * for every input.
 */

const TWO_32 = 4_294_967_296;
const decoder = new TextDecoder();

/**
 * Writes a signed 64-bit integer given as `high * 2^32 + low` (low in
 * [0, 2^32)) into a little-endian Int32Array pair.
 */
function put64(out: Int32Array, i: number, high: number, low: number): void {
  out[2 * i] = low | 0;
  out[2 * i + 1] = high;
}

function putBigInt(out: Int32Array, i: number, value: bigint, words: number): void {
  for (let w = 0; w < words; w += 1) {
    out[words * i + w] = Number(BigInt.asIntN(32, value >> BigInt(32 * w)));
  }
}

const digit = (byte: number) => byte - 48;
const isDigit = (byte: number) => byte >= 48 && byte <= 57;

/**
 * `YYYY-MM-DD HH:MM:SS[.f{1,9}]` (or with `T`) → microseconds since the epoch
 * at row `i` of `out` (an Int32Array over int64 slots). Anything else goes
 * through `timestampMicros`.
 */
export function writeTimestamp(bytes: Uint8Array, from: number, to: number, out: Int32Array, i: number): void {
  // No closures here: this runs for every timestamp of a result.
  const length = to - from;
  const fixed =
    length >= 19 &&
    length <= 29 &&
    bytes[from + 4] === 45 &&
    bytes[from + 7] === 45 &&
    (bytes[from + 10] === 32 || bytes[from + 10] === 84) &&
    bytes[from + 13] === 58 &&
    bytes[from + 16] === 58 &&
    (length === 19 || (bytes[from + 19] === 46 && length > 20));
  if (fixed) {
    let ok = true;
    // The digit pairs of YYYY-MM-DD HH:MM:SS, at offsets 0, 2, 5, 8, 11, 14, 17.
    for (const k of PAIRS) if (!isDigit(bytes[from + k]) || !isDigit(bytes[from + k + 1])) ok = false;
    const year = pair(bytes, from) * 100 + pair(bytes, from + 2);
    const month = pair(bytes, from + 5);
    const day = pair(bytes, from + 8);
    let micros = 0;
    for (let k = 20, scale = 100_000; k < length; k += 1, scale /= 10) {
      const byte = bytes[from + k];
      if (!isDigit(byte)) ok = false;
      if (scale >= 1) micros += digit(byte) * scale;
    }
    if (ok && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      const days = daysFromCivil(year, month, day);
      const seconds = (pair(bytes, from + 11) * 60 + pair(bytes, from + 14)) * 60 + pair(bytes, from + 17);
      const timeOfDay = seconds * 1_000_000 + micros;
      // days * 86_400_000_000 + timeOfDay, exactly: 86_400_000_000 = 20 * 2^32 + 500_654_080,
      // and days * 500_654_080 + timeOfDay stays well inside 2^53.
      const low = days * 500_654_080 + timeOfDay;
      const lowWord = ((low % TWO_32) + TWO_32) % TWO_32;
      put64(out, i, days * 20 + (low - lowWord) / TWO_32, lowWord);
      return;
    }
  }
  putBigInt(out, i, timestampMicros(decoder.decode(bytes.subarray(from, to))), 2);
}

const PAIRS = [0, 2, 5, 8, 11, 14, 17];
const pair = (bytes: Uint8Array, at: number) => digit(bytes[at]) * 10 + digit(bytes[at + 1]);

/**
 * A decimal's text → its unscaled integer at `scale`, written at row `i` of
 * `out` as `words` 32-bit words (1, 2 or 4: DuckDB's INTEGER, BIGINT or
 * HUGEINT storage of DECIMAL(p,s); SMALLINT storage is written by the caller
 * from one word). Plain `[-]digits[.digits]` is read here; anything else
 * (exponents, more fraction digits than the scale) goes through `scaledDecimal`.
 */
export function writeDecimal(
  bytes: Uint8Array,
  from: number,
  to: number,
  scale: number,
  out: Int32Array,
  i: number,
  words: 1 | 2 | 4,
): void {
  let k = from;
  const negative = bytes[k] === 45;
  if (negative || bytes[k] === 43) k += 1;
  // The unscaled value in base-2^32 limbs, least significant first.
  const limbs = [0, 0, 0, 0];
  let digits = 0;
  let fraction = -1;
  let ok = k < to;
  for (; k < to; k += 1) {
    const byte = bytes[k];
    if (byte === 46 && fraction < 0) {
      fraction = 0;
      continue;
    }
    if (!isDigit(byte)) {
      ok = false;
      break;
    }
    if (fraction >= 0) fraction += 1;
    digits += 1;
    multiplyAdd(limbs, digit(byte));
  }
  if (fraction > scale || digits > 38) ok = false;
  if (!ok) {
    putBigInt(out, i, scaledDecimal(decoder.decode(bytes.subarray(from, to)), scale), words);
    return;
  }
  for (let pad = Math.max(fraction, 0); pad < scale; pad += 1) multiplyAdd(limbs, 0);
  if (negative) negate(limbs);
  for (let w = 0; w < words; w += 1) out[words * i + w] = limbs[w] | 0;
}

/** limbs = limbs * 10 + add; each step stays below 2^36, exact in a double. */
function multiplyAdd(limbs: number[], add: number): void {
  let carry = add;
  for (let w = 0; w < 4; w += 1) {
    const t = limbs[w] * 10 + carry;
    carry = Math.floor(t / TWO_32);
    limbs[w] = t - carry * TWO_32;
  }
}

/** Two's complement of a 128-bit value in four unsigned limbs. */
function negate(limbs: number[]): void {
  let carry = 1;
  for (let w = 0; w < 4; w += 1) {
    const t = TWO_32 - 1 - limbs[w] + carry;
    carry = t >= TWO_32 ? 1 : 0;
    limbs[w] = t - carry * TWO_32;
  }
}
