import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { lineColumnAt, offsetAt, splitStatements, utf16OffsetOfByte } from "./split";

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

describe("splitStatements, as the engines read SQL", () => {
  it("does not split inside nested block comments", () => {
    const sql = "select 1 /* a /* b; */ c; */ as x; select 2";
    expect(splitStatements(sql).map((s) => s.text)).toEqual(["select 1 /* a /* b; */ c; */ as x", "select 2"]);
    expect(splitStatements(sql, "databricks").map((s) => s.text)).toEqual([
      "select 1 /* a /* b; */ c; */ as x",
      "select 2",
    ]);
  });

  it("does not split inside E'' strings or after a backslash in Spark strings", () => {
    expect(splitStatements("select E'a\\';'; select 2").map((s) => s.text)).toEqual(["select E'a\\';'", "select 2"]);
    expect(splitStatements('select "a\\";" ; select 2', "databricks").map((s) => s.text)).toEqual([
      'select "a\\";"',
      "select 2",
    ]);
  });

  it("keeps an unclosed string or comment, with the semicolons in it, as the last statement", () => {
    expect(splitStatements("select 1; select 'a; b").map((s) => s.text)).toEqual(["select 1", "select 'a; b"]);
    expect(splitStatements("select 1; /* a; b").map((s) => s.text)).toEqual(["select 1"]);
  });

  it("trims Unicode blanks like JavaScript and keeps offsets exact", () => {
    const sql = "\u00a0select 1\u3000;\ufeff select 2";
    for (const s of splitStatements(sql)) expect(sql.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
    expect(splitStatements(sql).map((s) => s.text)).toEqual(["select 1", "select 2"]);
  });

  it("finds as many statements as DuckDB's own parser", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      for (const sql of [
        "select 1; select 2;",
        "select 1 /* a /* ; */ ; */; select $t$;$t$; select E'\\';'",
        "select ';' as \"a;\" -- ;\n; select 2\r--;\n",
        "select $$;$$; select 2 /*/ ; */",
      ]) {
        const extracted = await connection.extractStatements(sql);
        expect(splitStatements(sql), sql).toHaveLength(extracted.count);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe("splitStatements on 1 MiB hostile inputs", () => {
  for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
    it(name, { timeout: 10_000 }, () => {
      for (const dialect of ["duckdb", "databricks"] as const) {
        const statements = splitStatements(sql, dialect);
        for (const s of statements) expect(s.offset + s.text.length).toBeLessThanOrEqual(sql.length);
      }
    });
  }

  it("keeps SELECT '/* /* …' AS x one statement", { timeout: 10_000 }, () => {
    const sql = `SELECT '${"/* ".repeat(MIB / 3)}' AS x; SELECT 2`;
    expect(splitStatements(sql).map((s) => s.offset)).toEqual([0, sql.indexOf("SELECT 2")]);
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

describe("offsetAt", () => {
  it("is the inverse of lineColumnAt, and clamps to the text", () => {
    const text = "select\n  x\nfrom t";
    for (let offset = 0; offset <= text.length; offset++) {
      const { line, column } = lineColumnAt(text, offset);
      expect(offsetAt(text, line, column)).toBe(offset);
    }
    expect(offsetAt(text, 9, 1)).toBe(text.length);
    expect(offsetAt(text, 2, 99)).toBe(text.indexOf("\nfrom"));
    expect(offsetAt(text, 0, 0)).toBe(0);
  });

  it("takes linear time on a megabyte of newlines", () => {
    const text = "\n".repeat(1024 * 1024);
    expect(offsetAt(text, 1024 * 1024, 1)).toBe(1024 * 1024 - 1);
  });
});
