import { describe, expect, it } from "vitest";
import { CELL_DISPLAY_LIMIT, columnKind, displayCell, formatCount, formatDuration, isRightAligned } from "./format";

describe("columnKind", () => {
  it.each([
    // DuckDB, as @duckdb/node-api renders type names
    ["BIGINT", "number"],
    ["HUGEINT", "number"],
    ["UBIGINT", "number"],
    ["DOUBLE", "number"],
    ["DECIMAL(38,10)", "number"],
    ["DECIMAL(18, 3)", "number"],
    ["BIGNUM", "number"],
    ["BOOLEAN", "boolean"],
    ["DATE", "temporal"],
    ["TIMESTAMP", "temporal"],
    ["TIMESTAMP WITH TIME ZONE", "temporal"],
    ["TIME WITH TIME ZONE", "temporal"],
    ["TIMESTAMP_NS", "temporal"],
    ["INTERVAL", "temporal"],
    ["VARCHAR", "text"],
    ["UUID", "text"],
    ["ENUM('a', 'b')", "text"],
    ["BIT", "text"],
    ["BLOB", "binary"],
    ["INTEGER[]", "nested"],
    ["VARCHAR[][]", "nested"],
    ["INTEGER[3]", "nested"],
    ["STRUCT(a INTEGER)", "nested"],
    ['STRUCT("x" INTEGER)[]', "nested"],
    ["MAP(VARCHAR, INTEGER)", "nested"],
    ['UNION("n" INTEGER, "s" VARCHAR)', "nested"],
    // Databricks
    ["STRING", "text"],
    ["INT", "number"],
    ["TINYINT", "number"],
    ["LONG", "number"],
    ["FLOAT", "number"],
    ["DECIMAL(10,2)", "number"],
    ["TIMESTAMP_NTZ", "temporal"],
    ["TIMESTAMP_LTZ", "temporal"],
    ["INTERVAL DAY TO SECOND", "temporal"],
    ["ARRAY<INT>", "nested"],
    ["STRUCT<a:INT>", "nested"],
    ["MAP<STRING,ARRAY<INT>>", "nested"],
    ["VARIANT", "nested"],
    ["BINARY", "binary"],
    ["VOID", "text"],
  ] as const)("classifies %s as %s", (type, kind) => {
    expect(columnKind(type)).toBe(kind);
  });

  it("ignores case and surrounding whitespace", () => {
    expect(columnKind("  decimal(10,2) ")).toBe("number");
    expect(columnKind("array<string>")).toBe("nested");
    expect(columnKind("Boolean")).toBe("boolean");
  });

  it("treats an unknown or empty type name as text", () => {
    expect(columnKind("GEOMETRY")).toBe("text");
    expect(columnKind("")).toBe("text");
  });

  it("right-aligns numbers only", () => {
    expect(isRightAligned("number")).toBe(true);
    for (const kind of ["text", "boolean", "temporal", "binary", "nested"] as const) {
      expect(isRightAligned(kind)).toBe(false);
    }
  });
});

describe("displayCell", () => {
  it("marks NULL and the empty string differently", () => {
    expect(displayCell(null)).toEqual({ text: "NULL", isNull: true, isEmpty: false, truncated: false });
    expect(displayCell("")).toEqual({ text: "empty", isNull: false, isEmpty: true, truncated: false });
  });

  it("does not mistake the text NULL, or whitespace, for a NULL or empty value", () => {
    expect(displayCell("NULL")).toMatchObject({ text: "NULL", isNull: false, isEmpty: false });
    expect(displayCell(" ")).toMatchObject({ text: " ", isNull: false, isEmpty: false });
  });

  it("shows every kind of line break as one ⏎", () => {
    expect(displayCell("a\nb\r\nc\rd").text).toBe("a⏎b⏎c⏎d");
    expect(displayCell("\n\n").text).toBe("⏎⏎");
  });

  it("leaves exact numeric and timestamp text untouched", () => {
    for (const value of [
      "9007199254740993",
      "-9999999999999999999999999999.9999999999",
      "0.1000000000",
      "1e400",
      "2024-02-29 23:59:59.999999+00",
    ]) {
      expect(displayCell(value)).toEqual({ text: value, isNull: false, isEmpty: false, truncated: false });
    }
  });

  it("keeps a value of exactly the limit whole and cuts one longer with an ellipsis", () => {
    expect(displayCell("x".repeat(CELL_DISPLAY_LIMIT))).toMatchObject({ truncated: false });
    const cut = displayCell("x".repeat(CELL_DISPLAY_LIMIT + 1));
    expect(cut).toMatchObject({ text: `${"x".repeat(CELL_DISPLAY_LIMIT)}…`, truncated: true });
  });

  it("counts characters (code points), not UTF-16 units, and never splits an emoji", () => {
    const emoji = "😀".repeat(CELL_DISPLAY_LIMIT);
    expect(emoji.length).toBe(2 * CELL_DISPLAY_LIMIT);
    expect(displayCell(emoji)).toMatchObject({ text: emoji, truncated: false });
    const cut = displayCell(`${emoji}😀`);
    expect(cut.truncated).toBe(true);
    expect(cut.text).toBe(`${emoji}…`);
    expect(displayCell("a😀b😀c", 3)).toMatchObject({ text: "a😀b…", truncated: true });
  });

  it("counts a CRLF as one character once it is shown as ⏎", () => {
    expect(displayCell("ab\r\n", 3)).toMatchObject({ text: "ab⏎", truncated: false });
    expect(displayCell("ab\r\ncd", 3)).toMatchObject({ text: "ab⏎…", truncated: true });
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [0.4, "0 ms"],
    [850, "850 ms"],
    [999.4, "999 ms"],
    [999.6, "1.00 s"],
    [1000, "1.00 s"],
    [1234, "1.23 s"],
    [9994, "9.99 s"],
    [9996, "10.0 s"],
    [12_345, "12.3 s"],
    [59_949, "59.9 s"],
    [59_951, "1 min 0 s"],
    [60_000, "1 min 0 s"],
    [119_499, "1 min 59 s"],
    [119_600, "2 min 0 s"],
    [125_000, "2 min 5 s"],
    [3_600_000, "60 min 0 s"],
  ])("reads %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatCount", () => {
  it("groups thousands with commas whatever the machine's locale", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(10_000_000)).toBe("10,000,000");
    expect(formatCount(20_000_000_000)).toBe("20,000,000,000");
  });
});
