import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { chunkBytes, rowBytes, rowsWithin } from "@/lib/server/runs/chunk-bytes";

const instance = await DuckDBInstance.create(":memory:");
afterAll(() => instance.closeSync());

/** The first batch of `sql`, with its column types, as the result store receives it. */
async function batch(sql: string) {
  const connection = await instance.connect();
  const result = await connection.stream(sql);
  const chunk = await result.fetchChunk();
  if (!chunk) throw new Error("no rows");
  return { chunk, types: result.columnTypes(), close: () => connection.closeSync() };
}

async function measured(sql: string): Promise<number[]> {
  const { chunk, types, close } = await batch(sql);
  try {
    const rows = [...rowBytes(chunk, types)];
    expect(rows.reduce((a, b) => a + b, 0)).toBe(chunkBytes(chunk, types));
    return rows;
  } finally {
    close();
  }
}

describe("the result store's measure of a batch", () => {
  it("counts each value's width plus one, a string's bytes plus five", async () => {
    expect(await measured("SELECT 1::INTEGER, 2::BIGINT, true, 1.5::DOUBLE, DATE '2024-01-01'")).toEqual([
      5 + 9 + 2 + 9 + 5,
    ]);
    expect(await measured("SELECT 1.25::DECIMAL(10,2), 1.25::DECIMAL(38,10), uuid(), INTERVAL 1 DAY")).toEqual([
      9 + 17 + 17 + 17,
    ]);
    // Bytes, not characters: three bytes each in UTF-8.
    expect(await measured("SELECT 'abc', '日本語', ''")).toEqual([8 + 14 + 5]);
    expect(await measured("SELECT '\\xAA\\xBB'::BLOB, NULL::VARCHAR")).toEqual([7 + 5]);
  });

  it("counts nested values by their parts", async () => {
    // A list: its entry (16 + 1) and its elements.
    expect(await measured("SELECT [1, 2, 3]::INTEGER[]")).toEqual([17 + 15]);
    expect(await measured("SELECT {'a': 1::INTEGER, 'b': 'xy'}")).toEqual([1 + 5 + 7]);
    expect(await measured("SELECT MAP {'k': 1::INTEGER}")).toEqual([17 + 6 + 5]);
    expect(await measured("SELECT [1, 2]::INTEGER[2]")).toEqual([1 + 10]);
    expect(await measured("SELECT union_value(num := 2::INTEGER)::UNION(num INTEGER, str VARCHAR)")).toEqual([
      2 + 5 + 5,
    ]);
  });

  it("counts each row of a batch, NULLs as empty values, long strings at their length", async () => {
    const rows = await measured(
      "SELECT CASE WHEN i % 2 = 0 THEN NULL ELSE repeat('x', i::INTEGER) END AS s, CASE WHEN i < 2 THEN [] ELSE range(i) END AS l FROM range(5) t(i)",
    );
    expect(rows).toEqual([5 + 17, 1 + 5 + 17, 5 + 17 + 18, 3 + 5 + 17 + 27, 5 + 17 + 36]);
  });

  it("finds the rows that fit a room", () => {
    const rows = new Float64Array([10, 20, 30]);
    expect(rowsWithin(rows, 0)).toEqual({ rows: 0, bytes: 0 });
    expect(rowsWithin(rows, 35)).toEqual({ rows: 2, bytes: 30 });
    expect(rowsWithin(rows, 1e9)).toEqual({ rows: 3, bytes: 60 });
  });

  it("measures a batch of 2,048 long strings at once, without reading them", async () => {
    const { chunk, types, close } = await batch("SELECT repeat('x', 100000) AS s FROM range(2048)");
    try {
      expect(chunkBytes(chunk, types)).toBe(2048 * 100_005);
    } finally {
      close();
    }
  });
});
