import { describe, expect, it } from "vitest";
import { lineColumnAt, splitStatements, utf16OffsetOfByte } from "./split";

describe("splitStatements", () => {
  it("splits on top-level semicolons and keeps offsets into the source", () => {
    const sql = "select 1;\n -- c\n select ';' as x; /* a;b */ select 3";
    const statements = splitStatements(sql);
    expect(statements.map((s) => s.text)).toEqual(["select 1", "-- c\n select ';' as x", "/* a;b */ select 3"]);
    for (const s of statements) expect(sql.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
  });

  it("drops empty and comment-only pieces", () => {
    expect(splitStatements(" ;; -- nothing\n;")).toEqual([]);
    expect(splitStatements("")).toEqual([]);
  });

  it("understands Spark SQL backslash escapes and backtick identifiers", () => {
    const statements = splitStatements("select 'it\\'s;' ; select `a;b` from t", "databricks");
    expect(statements.map((s) => s.text)).toEqual(["select 'it\\'s;'", "select `a;b` from t"]);
  });

  it("keeps a single statement without a semicolon whole", () => {
    expect(splitStatements("  SELECT *\nFROM t  ")).toEqual([{ text: "SELECT *\nFROM t", offset: 2 }]);
  });
});

describe("positions", () => {
  it("maps offsets to 1-based line and column", () => {
    expect(lineColumnAt("select\n  x\nfrom t", 9)).toEqual({ line: 2, column: 3 });
    expect(lineColumnAt("abc", 0)).toEqual({ line: 1, column: 1 });
  });

  it("maps UTF-8 byte offsets to string offsets", () => {
    expect(utf16OffsetOfByte("select 'café', x", 15)).toBe(14);
    expect(utf16OffsetOfByte("abc", 2)).toBe(2);
  });
});
