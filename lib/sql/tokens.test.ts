import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { rows, significant } from "@/tests/support/tokens";
import { identifierText, significantTokens, type Token, tokens } from "./tokens";

describe("tokens, DuckDB", () => {
  it("reads words, numbers, symbols and blanks with exact offsets", () => {
    const sql = "SELECT a1, _b$c, été FROM t1 WHERE x >= 1.5e-3 AND y = .5 AND z = 1_000;";
    const all = [...tokens(sql)];
    expect(all[0]).toEqual({ kind: "word", start: 0, end: 6 });
    expect(all[1]).toEqual({ kind: "space", start: 6, end: 7 });
    expect(significant(sql)).toEqual([
      ["word", "SELECT"],
      ["word", "a1"],
      ["symbol", ","],
      ["word", "_b$c"],
      ["symbol", ","],
      ["word", "été"],
      ["word", "FROM"],
      ["word", "t1"],
      ["word", "WHERE"],
      ["word", "x"],
      ["symbol", ">"],
      ["symbol", "="],
      ["number", "1.5e-3"],
      ["word", "AND"],
      ["word", "y"],
      ["symbol", "="],
      ["number", ".5"],
      ["word", "AND"],
      ["word", "z"],
      ["symbol", "="],
      ["number", "1_000"],
      ["symbol", ";"],
    ]);
  });

  it("reads a digit run followed by letters as a number then a word, as DuckDB does (1abc is 1 AS abc)", () => {
    expect(significant("1abc 1e x")).toEqual([
      ["number", "1"],
      ["word", "abc"],
      ["number", "1"],
      ["word", "e"],
      ["word", "x"],
    ]);
  });

  it("reads strings with doubled quotes and no backslash escapes", () => {
    expect(significant("'it''s' 'a\\' x")).toEqual([
      ["string", "'it''s'"],
      ["string", "'a\\'"],
      ["word", "x"],
    ]);
  });

  it("reads E'' strings with backslash escapes and doubled quotes, only at the start of a word", () => {
    expect(significant("E'a\\'b' e'c''d' be'x'")).toEqual([
      ["string", "E'a\\'b'"],
      ["string", "e'c''d'"],
      ["word", "be"],
      ["string", "'x'"],
    ]);
    expect(rows("E'\\\\' x")).toEqual([
      ["string", "E'\\\\'"],
      ["space", " "],
      ["word", "x"],
    ]);
  });

  it("reads $$ and $tag$ strings, with case-sensitive tags", () => {
    expect(significant("$$a;'b$$ $t$ $$ $T$ x $t$ $_1$y$_1$ $1 $ab")).toEqual([
      ["string", "$$a;'b$$"],
      ["string", "$t$ $$ $T$ x $t$"],
      ["string", "$_1$y$_1$"],
      ["symbol", "$"],
      ["number", "1"],
      ["symbol", "$"],
      ["word", "ab"],
    ]);
    expect(significant("$tag$ a $ta$ $tag$")).toEqual([["string", "$tag$ a $ta$ $tag$"]]);
    expect(significant("$ab$ $a$ab$")).toEqual([["string", "$ab$ $a$ab$"]]);
  });

  it('reads "quoted" identifiers with doubled quotes and unquotes them', () => {
    const sql = 'select "a ""b""", "c;--"';
    const quoted = [...tokens(sql)].filter((t) => t.kind === "quoted");
    expect(quoted.map((t) => identifierText(sql, t))).toEqual(['a "b"', "c;--"]);
    expect(identifierText("Mixed", { kind: "word", start: 0, end: 5 })).toBe("Mixed");
  });

  it("reads a backtick right after a colon as a quoted name (a parameter's), elsewhere as a symbol", () => {
    const sql = "select :`a ``b``;c`, `d`";
    const read = [...tokens(sql)].filter((t) => t.kind !== "space");
    expect(read.filter((t) => t.kind === "quoted").map((t) => identifierText(sql, t))).toEqual(["a `b`;c"]);
    expect(read.slice(-3).map((t) => [t.kind, sql.slice(t.start, t.end)])).toEqual([
      ["symbol", "`"],
      ["word", "d"],
      ["symbol", "`"],
    ]);
    expect([...tokens("select :`open;")].at(-1)).toMatchObject({ kind: "quoted", open: true });
  });

  it("ends a line comment at a line feed or a carriage return", () => {
    expect(rows("a -- b */ c\nd --e\rf --")).toEqual([
      ["word", "a"],
      ["space", " "],
      ["comment", "-- b */ c"],
      ["space", "\n"],
      ["word", "d"],
      ["space", " "],
      ["comment", "--e"],
      ["space", "\r"],
      ["word", "f"],
      ["space", " "],
      ["comment", "--"],
    ]);
  });

  it("nests block comments, and `/*/` opens one without closing it", () => {
    expect(significant("a /* x /* y */ z */ b")).toEqual([
      ["word", "a"],
      ["comment", "/* x /* y */ z */"],
      ["word", "b"],
    ]);
    expect(significant("/*/ x */ a /**/ b /* ** / */ c")).toEqual([
      ["comment", "/*/ x */"],
      ["word", "a"],
      ["comment", "/**/"],
      ["word", "b"],
      ["comment", "/* ** / */"],
      ["word", "c"],
    ]);
    expect(significant("/* a /*/ b */ c */ d")).toEqual([
      ["comment", "/* a /*/ b */ c */"],
      ["word", "d"],
    ]);
    expect(significant("/* a */* 2")).toEqual([
      ["comment", "/* a */"],
      ["symbol", "*"],
      ["number", "2"],
    ]);
  });

  it("does not see comments inside strings, nor strings inside comments", () => {
    expect(significant("'/*' \"--\" /* ' */ -- '\n$$/*$$ x")).toEqual([
      ["string", "'/*'"],
      ["quoted", '"--"'],
      ["comment", "/* ' */"],
      ["comment", "-- '"],
      ["string", "$$/*$$"],
      ["word", "x"],
    ]);
  });

  it("makes one open token of an unclosed construct, to the end", () => {
    for (const [sql, kind] of [
      ["x /* a /* b */ c", "comment"],
      ["x 'a''", "string"],
      ["x E'a\\'", "string"],
      ['x "a""', "quoted"],
      ["x $$ a $", "string"],
      ["x $t$ a $t", "string"],
    ] as const) {
      const all = [...tokens(sql)];
      expect(all.at(-1)).toEqual({ kind, start: 2, end: sql.length, open: true });
      expect(identifierText(sql, all.at(-1) as Token)).toBe(kind === "quoted" ? 'a"' : sql.slice(2));
    }
  });

  it("treats DuckDB's Unicode blanks as blanks and other non-ASCII text as letters", () => {
    expect(significant("select\u00a01\u200bas\u3000x\ufeff")).toEqual([
      ["word", "select"],
      ["number", "1"],
      ["word", "as"],
      ["word", "x"],
    ]);
    expect(significant("😀\ud800x \u1680")).toEqual([
      ["word", "😀\ud800x"],
      ["word", "\u1680"],
    ]);
    expect(significant("a\u1680b\u200bc", "databricks")).toEqual([
      ["word", "a"],
      ["word", "b\u200bc"],
    ]);
  });

  it("agrees with DuckDB's own parser on nesting, E'' strings, dollar tags and blanks", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const cases = [
        "select 1 /* a /* b */ c */ as x",
        "select 1 /* a /*/ b */ c */ as x",
        "select E'a\\'b' as x",
        "select $t$a$T$b$$c$t$ as x",
        "select 1 --c */\r as x",
        "select\u00a01\u200bas\u3000x",
      ];
      for (const sql of cases) {
        const reader = await connection.runAndReadAll(sql);
        expect(reader.columnNames()).toEqual(["x"]);
        const words = significantTokens(sql, "duckdb", 10).map((t) => sql.slice(t.start, t.end));
        expect(words.slice(-2)).toEqual(["as", "x"]);
      }
      // An unclosed nested comment is an error to DuckDB and an open comment to us.
      await expect(connection.extractStatements("select 1 /* a /* b */ as x")).rejects.toThrow(/unterminated/);
      expect([...tokens("select 1 /* a /* b */ as x")].at(-1)?.open).toBe(true);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
