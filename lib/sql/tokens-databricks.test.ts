// The tokenizer in Databricks (Spark SQL) mode, the scanning entry points, and 1 MiB hostile inputs; DuckDB mode is in tokens.test.ts.
import { describe, expect, it } from "vitest";
import { HOSTILE_SQL } from "@/tests/support/hostile-sql";
import { checkCoverage, rows, significant } from "@/tests/support/tokens";
import { identifierText, scanTokens, significantTokens, type Token, tokens } from "./tokens";

describe("tokens, Databricks", () => {
  it("reads ' and \" strings with backslash escapes; a doubled quote starts the next literal", () => {
    expect(significant("'it\\'s' \"a\\\"b\" 'x''y' '\\\n'", "databricks")).toEqual([
      ["string", "'it\\'s'"],
      ["string", '"a\\"b"'],
      ["string", "'x'"],
      ["string", "'y'"],
      ["string", "'\\\n'"],
    ]);
  });

  it("reads R'' raw strings without escapes", () => {
    expect(significant("r'a\\' R\"b\\\" x", "databricks")).toEqual([
      ["string", "r'a\\'"],
      ["string", 'R"b\\"'],
      ["word", "x"],
    ]);
  });

  it("reads `identifiers` with doubled backticks and unquotes them", () => {
    const sql = "select `a``b`, `c;'`";
    const quoted = [...tokens(sql, "databricks")].filter((t) => t.kind === "quoted");
    expect(quoted.map((t) => identifierText(sql, t))).toEqual(["a`b", "c;'"]);
  });

  it("has no E'' strings, dollar strings or $ in words", () => {
    expect(significant("E'a\\'b' $$x$$ a$b", "databricks")).toEqual([
      ["word", "E"],
      ["string", "'a\\'b'"],
      ["symbol", "$"],
      ["symbol", "$"],
      ["word", "x"],
      ["symbol", "$"],
      ["symbol", "$"],
      ["word", "a"],
      ["symbol", "$"],
      ["word", "b"],
    ]);
  });

  it("continues a line comment past a backslash at the end of the line", () => {
    expect(rows("-- a \\\nb\nc --d\re", "databricks")).toEqual([
      ["comment", "-- a \\\nb"],
      ["space", "\n"],
      ["word", "c"],
      ["space", " "],
      ["comment", "--d"],
      ["space", "\r"],
      ["word", "e"],
    ]);
  });

  it("nests block comments and reads a /*+ hint as tokens", () => {
    expect(significant("a /* x /* y */ z */ b", "databricks")).toEqual([
      ["word", "a"],
      ["comment", "/* x /* y */ z */"],
      ["word", "b"],
    ]);
    expect(significant("select /*+ BROADCAST(t) */ 1 /* /*+ */ x", "databricks")).toEqual([
      ["word", "select"],
      ["symbol", "/"],
      ["symbol", "*"],
      ["symbol", "+"],
      ["word", "BROADCAST"],
      ["symbol", "("],
      ["word", "t"],
      ["symbol", ")"],
      ["symbol", "*"],
      ["symbol", "/"],
      ["number", "1"],
      ["comment", "/* /*+ */"],
      ["word", "x"],
    ]);
  });

  it("reads digit-led identifiers and typed literals as Spark does", () => {
    expect(significant("1a 10L 2bd 1_0 3.5 1e3", "databricks")).toEqual([
      ["word", "1a"],
      ["number", "10L"],
      ["number", "2bd"],
      ["word", "1_0"],
      ["number", "3.5"],
      ["number", "1e3"],
    ]);
  });

  it("makes one open token of an unclosed construct, to the end", () => {
    for (const [sql, kind] of [
      ["x /* a /* b */", "comment"],
      ["x 'a\\'", "string"],
      ['x "a', "string"],
      ["x r'a", "string"],
      ["x `a``", "quoted"],
    ] as const) {
      expect([...tokens(sql, "databricks")].at(-1)).toEqual({ kind, start: 2, end: sql.length, open: true });
    }
  });
});

describe("scanTokens", () => {
  it("visits the same tokens as the generator and stops when asked", () => {
    for (const dialect of ["duckdb", "databricks"] as const) {
      const sql = HOSTILE_SQL["garbage 2"].slice(0, 20_000);
      const visited: Token[] = [];
      scanTokens(sql, dialect, (kind, start, end, open) => {
        visited.push(open ? { kind, start, end, open } : { kind, start, end });
        return true;
      });
      expect(visited).toEqual([...tokens(sql, dialect)]);
      let count = 0;
      scanTokens(sql, dialect, () => ++count < 3);
      expect(count).toBe(3);
    }
  });
});

describe("significantTokens", () => {
  it("skips blanks and comments and stops after n", () => {
    const sql = " -- c\n /* d */ ( WITH x";
    expect(significantTokens(sql, "duckdb", 2).map((t) => sql.slice(t.start, t.end))).toEqual(["(", "WITH"]);
    expect(significantTokens(sql, "duckdb", 0)).toEqual([]);
    expect(significantTokens("", "databricks", 3)).toEqual([]);
  });
});

// A scanner that backtracks or rescans takes minutes on these, so the timeout catches it without
// measuring time.
describe("tokens on 1 MiB hostile inputs", () => {
  for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
    for (const dialect of ["duckdb", "databricks"] as const) {
      it(`${name} (${dialect})`, { timeout: 10_000 }, () => {
        expect(significantTokens(sql, dialect, 3)).toEqual(checkCoverage(sql, dialect));
      });
    }
  }

  it("reads the deeply nested comment as one closed comment and the unclosed one as open", () => {
    const nested = HOSTILE_SQL["deeply nested comments"];
    expect([...tokens(nested)]).toEqual([{ kind: "comment", start: 0, end: nested.length }]);
    const repeated = HOSTILE_SQL["/* /* /* repeated"];
    expect([...tokens(repeated, "databricks")]).toEqual([
      { kind: "comment", start: 0, end: repeated.length, open: true },
    ]);
  });
});
