import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { formatSql, MAX_FORMAT_CHARS, MAX_FORMAT_DEPTH } from "./format";
import type { SqlDialect } from "./split";
import { tokens } from "./tokens";

function formatted(text: string, dialect: SqlDialect = "duckdb"): string {
  const result = formatSql(text, dialect);
  if (!result.ok) throw new Error(result.message);
  return result.text;
}

/** The tokens that are not space, as text: what formatting must never change. */
function tokenTexts(text: string, dialect: SqlDialect): string[] {
  return [...tokens(text, dialect)].filter((t) => t.kind !== "space").map((t) => text.slice(t.start, t.end));
}

const BOTH: SqlDialect[] = ["duckdb", "databricks"];

/** `unit` repeated as often as fits in the formatter's limit. */
function fillTo(unit: string): string {
  return unit.repeat(Math.floor(MAX_FORMAT_CHARS / unit.length));
}

describe("formatSql", () => {
  it.each(BOTH)("lays a one-line query out on several lines (%s)", (dialect) => {
    expect(formatted("select a, b from t where x = 1 order by a", dialect)).toBe(
      "select\n  a,\n  b\nfrom\n  t\nwhere\n  x = 1\norder by\n  a",
    );
  });

  it.each(BOTH)("keeps named parameters, comments and strings exactly (%s)", (dialect) => {
    const sql =
      "SELECT id, 'a;b -- c' AS s FROM trips -- the trips\n/* two\n      lines */ WHERE d >= :start_date AND p IN (:payment)";
    const out = formatted(sql, dialect);
    expect(out).toContain(":start_date");
    expect(out).toContain("(:payment)");
    expect(out).toContain("'a;b -- c'");
    expect(out).toContain("-- the trips\n");
    // sql-formatter re-indents a block comment's inner lines; the original is put back.
    expect(out).toContain("/* two\n      lines */");
    expect(tokenTexts(out, dialect)).toEqual(tokenTexts(sql, dialect));
    expect(out.split("\n").length).toBeGreaterThan(5);
  });

  it.each(BOTH)("keeps back-quoted parameter names joined to their colon (%s)", (dialect) => {
    const sql = "SELECT a FROM t WHERE d >= :`start date` AND x IN (:`it``s`) AND y = :a + 1";
    const out = formatted(sql, dialect);
    expect(out).toContain("d >= :`start date`\n");
    expect(out).toContain("(:`it``s`)");
    expect(tokenTexts(out, dialect)).toEqual(tokenTexts(sql, dialect));
  });

  it("keeps strings with quotes and line breaks, DuckDB", () => {
    const sql = "select 'it''s', 'line one\n  line two', E'a\\'b', $$x;y$$, \"Col \"\"A\"\"\" from t";
    const out = formatted(sql, "duckdb");
    for (const piece of ["'it''s'", "'line one\n  line two'", "E'a\\'b'", "$$x;y$$", '"Col ""A"""'])
      expect(out).toContain(piece);
    expect(tokenTexts(out, "duckdb")).toEqual(tokenTexts(sql, "duckdb"));
  });

  it("keeps strings with quotes and line breaks, Databricks", () => {
    const sql = "select 'it\\'s', \"dq \\\" x\", 'two\nlines', r'C:\\raw', `my col` from t where x::int = -1";
    const out = formatted(sql, "databricks");
    for (const piece of ["'it\\'s'", '"dq \\" x"', "'two\nlines'", "r'C:\\raw'", "`my col`", "x::int", "= -1"])
      expect(out).toContain(piece);
    expect(tokenTexts(out, "databricks")).toEqual(tokenTexts(sql, "databricks"));
  });

  it("formats each statement, keeping the semicolons and the comments between them", () => {
    expect(formatted("select 1;select 2 -- two\n;; -- end\n")).toBe(
      "select\n  1;\n\nselect\n  2 -- two\n;\n\n;\n\n-- end\n",
    );
  });

  it("keeps the whitespace around a selection", () => {
    expect(formatted("  select a from t  \n")).toBe("  select\n  a\nfrom\n  t  \n");
    expect(formatted("")).toBe("");
    expect(formatted(" \n ")).toBe(" \n ");
  });

  it("answers with a message and no text for SQL it cannot parse", () => {
    const result = formatSql("select a from t where (", "duckdb");
    expect(result).toEqual({ ok: false, message: expect.stringContaining("bracket") });
    // Braces make a struct in DuckDB, but Spark's grammar has none.
    const unparsable = formatSql("select 1;\nselect {'a': 1} from t", "databricks");
    expect(unparsable).toEqual({
      ok: false,
      message: expect.stringMatching(/starts on line 2: Parse error.*Nothing was changed/),
    });
    expect(formatSql("select {'a': 1} from t", "duckdb").ok).toBe(true);
    expect(formatSql("select 'open", "duckdb")).toEqual({ ok: false, message: expect.stringContaining("unclosed") });
    expect(formatSql("select a) from t", "duckdb").ok).toBe(false);
  });

  it("refuses rather than change an operator the formatter does not know", () => {
    // Spark's grammar in sql-formatter has `->` but not `->>`: it would print `-> >`.
    expect(formatSql("select a->>'x' from t", "databricks")).toEqual({
      ok: false,
      message: expect.stringContaining("nothing was changed"),
    });
  });

  it("refuses brackets nested too deep, and texts over the limit, at once", () => {
    const deep = `select ${"(".repeat(MAX_FORMAT_DEPTH + 1)}1${")".repeat(MAX_FORMAT_DEPTH + 1)}`;
    expect(formatSql(deep, "duckdb")).toEqual({ ok: false, message: expect.stringContaining("nested") });
    const ok = `select ${"(".repeat(20)}1${")".repeat(20)}`;
    expect(formatSql(ok, "duckdb").ok).toBe(true);
    const long = "select 1;\n".repeat(MAX_FORMAT_CHARS / 10 + 1);
    expect(formatSql(long, "duckdb")).toEqual({ ok: false, message: expect.stringContaining("too long") });
  });

  describe("hostile input", () => {
    it.each(Object.keys(HOSTILE_SQL))("1 MiB of %s is refused at once", (name) => {
      for (const dialect of BOTH) expect(formatSql(HOSTILE_SQL[name], dialect).ok).toBe(false);
    });

    // Under the limit, the shapes that made sql-formatter slow or run out of memory
    // when given the whole text: many statements, deep or unclosed brackets.
    const underLimit: Record<string, string> = {
      semicolons: ";".repeat(MAX_FORMAT_CHARS),
      statements: fillTo("select a, b from t where x = :p;\n"),
      "one long select list": `select ${Array.from({ length: MAX_FORMAT_CHARS / 8 }, (_, i) => `c${i}`).join(", ")}`,
      "unclosed brackets": `select ${"(".repeat(MAX_FORMAT_CHARS - 10)}`,
      "nested to the limit": fillTo(`select ${"(".repeat(MAX_FORMAT_DEPTH)}1${")".repeat(MAX_FORMAT_DEPTH)};`),
      colons: ":".repeat(MAX_FORMAT_CHARS),
      "case after case": `select ${"case when a then 1 else ".repeat(MAX_FORMAT_DEPTH)}0${" end".repeat(MAX_FORMAT_DEPTH)}`,
    };
    it.each(Object.keys(underLimit))("%s just under the limit ends within seconds", (name) => {
      const text = underLimit[name];
      expect(text.length).toBeLessThanOrEqual(MAX_FORMAT_CHARS);
      // Ending at all is the test: these made sql-formatter run for minutes or out of memory.
      const result = formatSql(text, "duckdb");
      if (result.ok) expect(tokenTexts(result.text, "duckdb")).toEqual(tokenTexts(text, "duckdb"));
    });

    it("a 1 MiB text is refused before any of it is read", () => {
      expect(formatSql("select 1;".repeat(MIB / 9), "databricks")).toEqual({
        ok: false,
        message: expect.stringContaining("too long"),
      });
    });
  });
});
