import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvField, csvFileName, csvLine } from "@/lib/csv";
import type { Cell } from "@/lib/results/types";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";

describe("csvField", () => {
  it("writes NULL as an empty field and the empty string as a quoted empty field", () => {
    expect(csvField(null)).toBe("");
    expect(csvField("")).toBe('""');
  });

  it("leaves plain values, unicode and spaces unquoted", () => {
    expect(csvField("hello")).toBe("hello");
    expect(csvField("café 😀 日本")).toBe("café 😀 日本");
    expect(csvField(" padded ")).toBe(" padded ");
    expect(csvField("NULL")).toBe("NULL");
  });

  it("quotes a field holding a comma, quote, CR or LF and doubles its quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField("a\rb")).toBe('"a\rb"');
    expect(csvField("a\nb")).toBe('"a\nb"');
    expect(csvField("a\r\nb")).toBe('"a\r\nb"');
  });

  it("never reformats exact numbers", () => {
    for (const n of ["9007199254740993", "-9999999999999999999999999999.9999999999", "0.10", "1e400"]) {
      expect(csvField(n)).toBe(n);
    }
  });
});

describe("csvLine", () => {
  it("joins fields with commas and ends with CRLF", () => {
    expect(csvLine(["a", null, "", "b,c"])).toBe('a,,"","b,c"\r\n');
    expect(csvLine([null, null])).toBe(",\r\n");
    expect(csvLine([])).toBe("\r\n");
  });
});

describe("CSV round trip", () => {
  // Unquoted empty fields are NULL; quoted ones are strings, even when empty.
  const read = (text: string): Cell[][] =>
    parse(text, {
      cast: (value: string, context: { quoting: boolean }) => (context.quoting || value !== "" ? value : null),
    });

  it("parses back to exactly the values written, NULLs included", () => {
    const rows: Cell[][] = [
      ["id", "text", "amount", "note"],
      ["1", "plain", "9007199254740993", null],
      ["2", "", "-9999999999999999999999999999.9999999999", "comma, inside"],
      ["3", 'quote " inside', "0.000", "line\nbreak"],
      ["4", "crlf\r\nbreak", "1e400", "lone\rcr"],
      ["5", "café 😀 日本 ⏎", null, '"""'],
      [null, null, null, null],
      ["7", " spaced ", "-0", "trailing,"],
    ];
    const text = rows.map(csvLine).join("");
    expect(read(text)).toEqual(rows);
  });
});

describe("csvFileName", () => {
  const now = new Date("2024-03-05T07:08:09.123Z");

  it("names a download after the query's first words and a UTC timestamp", () => {
    expect(csvFileName("select * from trips", now)).toBe("select_from_trips_20240305T070809Z.csv");
  });

  it("skips comments", () => {
    const sql = "-- monthly report\n/* totals */ SELECT month, sum(fare) FROM trips";
    expect(csvFileName(sql, now)).toBe("SELECT_month_sum_fare_FROM_trips_20240305T070809Z.csv");
  });

  it("keeps only characters that are safe in any file system", () => {
    const name = csvFileName("SELECT * FROM '../../etc/passwd' WHERE a<>b AND c:\\x", now);
    expect(name).toBe("SELECT_FROM_etc_passwd_WHERE_a_b_AND_c_x_20240305T070809Z.csv");
    expect(csvFileName('select "naïve", `x`?|*', now)).toBe("select_na_ve_x_20240305T070809Z.csv");
  });

  it("cuts the words at 40 characters without a trailing underscore", () => {
    const name = csvFileName(`select ${"a".repeat(32)} from t`, now);
    expect(name).toBe(`select_${"a".repeat(32)}_20240305T070809Z.csv`);
    expect(csvFileName("x".repeat(100), now)).toBe(`${"x".repeat(40)}_20240305T070809Z.csv`);
  });

  it("reads only the first 200 characters outside comments, however long the statement", { timeout: 10_000 }, () => {
    for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
      expect(csvFileName(sql, now), name).toMatch(/^[A-Za-z0-9_]{1,40}_20240305T070809Z\.csv$/);
    }
    const underscores = `a${"_".repeat(MIB)}b`;
    expect(csvFileName(underscores, now)).toBe("a_20240305T070809Z.csv");
    expect(csvFileName(`/* ${"x".repeat(MIB)} */ select 1`, now)).toBe("select_1_20240305T070809Z.csv");
    expect(csvFileName(`${"/**/".repeat(MIB / 4)}select 2`, now)).toBe("result_20240305T070809Z.csv");
  });

  it("falls back to 'result' when nothing usable is left", () => {
    expect(csvFileName("", now)).toBe("result_20240305T070809Z.csv");
    expect(csvFileName("-- just a comment", now)).toBe("result_20240305T070809Z.csv");
    expect(csvFileName("日本語", now)).toBe("result_20240305T070809Z.csv");
  });

  it("always produces a name of safe characters", () => {
    for (const sql of ["select 1", "\0\n\t;", "🙂 select 🙂", 'a/b\\c:d*e?f"g<h>i|j']) {
      expect(csvFileName(sql, now)).toMatch(/^[A-Za-z0-9_]+_\d{8}T\d{6}Z\.csv$/);
    }
  });
});
