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

  it("does not split inside DuckDB dollar-quoted strings, tagged or not", () => {
    const sql = "select $$a;b$$; select $tag$c;d$tag$ as x; select 3";
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      "select $$a;b$$",
      "select $tag$c;d$tag$ as x",
      "select 3",
    ]);
  });

  it("does not split on semicolons in multi-line block comments or line comments", () => {
    const sql = "/* setup;\n still comment; */\nselect 1 /* x; y */ + 2;\nselect 3 -- a;b\n; select 4";
    const statements = splitStatements(sql);
    expect(statements.map((s) => s.text)).toEqual([
      "/* setup;\n still comment; */\nselect 1 /* x; y */ + 2",
      "select 3 -- a;b",
      "select 4",
    ]);
    for (const s of statements) expect(sql.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
  });

  it("drops a trailing comment after the last semicolon but keeps one before it", () => {
    expect(splitStatements("select 1; -- done").map((s) => s.text)).toEqual(["select 1"]);
    expect(splitStatements("select 1; /* end; */\n").map((s) => s.text)).toEqual(["select 1"]);
    expect(splitStatements("select 1 -- note").map((s) => s.text)).toEqual(["select 1 -- note"]);
  });

  it("understands DuckDB doubled-quote escapes in strings and identifiers", () => {
    const statements = splitStatements(`select 'it''s;' ; select "a;""b" from t`);
    expect(statements.map((s) => s.text)).toEqual(["select 'it''s;'", 'select "a;""b" from t']);
  });

  it("reports offsets in UTF-16 units after non-ASCII text", () => {
    const sql = "select '😀;café'; select 2";
    const [, second] = splitStatements(sql);
    expect(second).toEqual({ text: "select 2", offset: sql.indexOf("select 2") });
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
