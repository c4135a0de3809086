import { describe, expect, it } from "vitest";
import { writeDecimal, writeTimestamp } from "./text-bytes";
import { scaledDecimal, timestampMicros } from "./types";

const encoder = new TextEncoder();

/** What the byte reader writes for one text, as a BigInt read back from its words. */
function read(text: string, write: (bytes: Uint8Array, out: Int32Array) => void, words: number): bigint {
  const bytes = encoder.encode(`xx${text}yy`); // not at offset 0, as in an Arrow buffer
  const out = new Int32Array(words * 2);
  out.fill(-1);
  write(bytes, out);
  let value = 0n;
  for (let w = words - 1; w >= 0; w -= 1) value = (value << 32n) | BigInt(out[words + w] >>> 0);
  return BigInt.asIntN(32 * words, value);
}

/** The value, or the fact that it was refused. */
function outcome(f: () => bigint): bigint | "refused" {
  try {
    return f();
  } catch {
    return "refused";
  }
}

const timestamp = (text: string) => read(text, (bytes, out) => writeTimestamp(bytes, 2, bytes.length - 2, out, 1), 2);
const decimal = (text: string, scale: number, words: 1 | 2 | 4) =>
  read(text, (bytes, out) => writeDecimal(bytes, 2, bytes.length - 2, scale, out, 1, words), words);

describe("timestamps read from the warehouse's text", () => {
  it("equal the row path's value for every shape, fast or not", () => {
    const texts = [
      "2024-02-29 23:59:59.999999",
      "1970-01-01 00:00:00.000001",
      "1970-01-01 00:00:00",
      "1969-12-31 23:59:59.999999",
      "2024-06-01 12:00:00.5",
      "0001-01-01 00:00:00",
      "9999-12-31 23:59:59.999999",
      "1900-03-01T00:00:00.123",
      "2024-01-01 10:00:00.123456789",
      "2024-01-01 10:00:00+02:00",
      "2024-01-01 10:00:00Z",
      "-0044-03-15 12:00:00",
      "12024-01-01 00:00:00",
    ];
    for (const text of texts) expect([text, timestamp(text)]).toEqual([text, timestampMicros(text)]);
  });

  it("equal the row path's value over many random instants", () => {
    for (let k = 0; k < 5000; k += 1) {
      const micros = BigInt(Math.floor((Math.random() - 0.5) * 2 * 253402300799)) * 1_000_000n + BigInt(k % 1_000_000);
      const text = new Date(Number(micros / 1000n)).toISOString().replace("T", " ").replace("Z", "");
      expect(timestamp(text)).toBe(timestampMicros(text));
    }
  });

  it("refuses what the row path refuses, and reads what it reads", () => {
    for (const text of ["", "2024-13-01 00:00:00", "2024-01-01 0a:00:00", "not a timestamp", "2024-01-01 10:00:00."]) {
      expect([text, outcome(() => timestamp(text))]).toEqual([text, outcome(() => timestampMicros(text))]);
    }
    expect(outcome(() => timestamp("not a timestamp"))).toBe("refused");
  });
});

describe("decimals read from the warehouse's text", () => {
  it("equal the row path's unscaled value at every storage width", () => {
    const cases: [string, number, 1 | 2 | 4][] = [
      ["99.99", 2, 1],
      ["-99.99", 2, 1],
      ["0", 0, 1],
      ["-0.01", 2, 1],
      [".5", 1, 1],
      ["7.", 2, 1],
      ["+12.5", 2, 1],
      ["999999999", 0, 1],
      ["-2147483.648", 3, 1],
      ["123456789012345678", 0, 2],
      ["-9223372036854775.808", 3, 2],
      ["1234567890123456789012345678.0123456789", 10, 4],
      ["-9999999999999999999999999999.9999999999", 10, 4],
      ["99999999999999999999999999999999999999", 0, 4],
      ["-170141183460469231731687303715884105728", 0, 4],
      ["1E+3", 2, 2],
      ["1.23456", 2, 2],
      [" 12.50 ", 2, 2],
    ];
    for (const [text, scale, words] of cases) {
      const expected = BigInt.asIntN(32 * words, scaledDecimal(text, scale));
      expect([text, decimal(text, scale, words)]).toEqual([text, expected]);
    }
  });

  it("equal the row path's value over many random decimals", () => {
    for (let k = 0; k < 5000; k += 1) {
      const digits = Array.from({ length: 1 + (k % 38) }, () => Math.floor(Math.random() * 10)).join("");
      const scale = k % Math.min(digits.length + 1, 11);
      const text = `${k % 2 ? "-" : ""}${digits.slice(0, digits.length - scale) || "0"}${scale ? `.${digits.slice(-scale)}` : ""}`;
      expect(decimal(text, scale, 4)).toBe(scaledDecimal(text, scale));
    }
  });

  it("refuses what the row path refuses, and reads what it reads", () => {
    for (const text of ["", "-", "1.2.3", "12a", "."]) {
      expect([text, outcome(() => decimal(text, 2, 2))]).toEqual([
        text,
        outcome(() => BigInt.asIntN(64, scaledDecimal(text, 2))),
      ]);
    }
    expect(outcome(() => decimal("12a", 2, 2))).toBe("refused");
  });
});
