import { describe, expect, it } from "vitest";
import { HOSTILE_SQL } from "@/tests/support/hostile-sql";
import { bindStatement, sourceOffset } from "./parameter-binding";
import { numberBinding, parseDate, parseTimestamp } from "./parameter-values";
import {
  findParameterMarkers,
  findParameters,
  isParameterName,
  markerText,
  type ParameterSpec,
  specsFor,
  valueProblem,
} from "./parameters";
import type { SqlDialect } from "./split";

const both: SqlDialect[] = ["duckdb", "databricks"];

describe("findParameters", () => {
  it.each(both)("finds markers where values go (%s)", (dialect) => {
    expect(
      findParameters(
        "SELECT :a, x = :b FROM t WHERE d >= :Start AND p IN (:ids) AND q BETWEEN :lo AND :hi LIMIT :n",
        dialect,
      ),
    ).toEqual(["a", "b", "start", "ids", "lo", "hi", "n"]);
    expect(findParameters(":only", dialect)).toEqual(["only"]);
    expect(findParameters("SELECT 1;:next", dialect)).toEqual(["next"]);
    expect(findParameters("SELECT f(:x, :y) * :z - :w", dialect)).toEqual(["x", "y", "z", "w"]);
  });

  it.each(both)("names are case-insensitive and listed once (%s)", (dialect) => {
    expect(findParameters("SELECT :Day, :day, :DAY", dialect)).toEqual(["day"]);
  });

  it.each(both)("ignores strings, comments and quoted names (%s)", (dialect) => {
    const q = dialect === "duckdb" ? '"a:b"' : "`a:b`";
    expect(findParameters(`SELECT ':no', ${q} -- :no\n /* :no /* :no */ */ FROM t`, dialect)).toEqual([]);
  });

  it.each(both)("ignores :: casts (%s)", (dialect) => {
    expect(findParameters("SELECT x::int, '1'::date, (y)::text, :p::int", dialect)).toEqual(["p"]);
    expect(findParameters("SELECT x :: int", dialect)).toEqual([]);
  });

  it("ignores Databricks JSON paths after a value", () => {
    expect(findParameters("SELECT raw:owner, raw:store.fruit, t.raw:a, `raw`:b, f(x):c FROM t", "databricks")).toEqual(
      [],
    );
    expect(findParameters("SELECT raw:owner FROM t WHERE raw:zip = :zip", "databricks")).toEqual(["zip"]);
  });

  it("ignores DuckDB slices, struct keys, prefix aliases and lambdas", () => {
    expect(
      findParameters("SELECT l[1:2], l[:n], {a: 1}, {'k': 2}, j: 42, list_transform(l, lambda x: x)", "duckdb"),
    ).toEqual([]);
    expect(findParameters("SELECT {'k': :v}", "duckdb")).toEqual(["v"]);
    expect(findParameters("SELECT l[1:2] FROM t WHERE a = :a", "duckdb")).toEqual(["a"]);
  });

  it("needs the name right after the colon, in ASCII, at most 64 characters", () => {
    expect(findParameters("SELECT : a, :=, :1, :é", "databricks")).toEqual([]);
    expect(findParameters(`SELECT :${"a".repeat(64)}, :${"b".repeat(65)}`, "duckdb")).toEqual(["a".repeat(64)]);
  });

  it("gives each marker's place", () => {
    expect(findParameterMarkers("SELECT :a, :a", "duckdb")).toEqual([
      { name: "a", start: 7, end: 9 },
      { name: "a", start: 11, end: 13 },
    ]);
  });

  it.each(both)("reads 1 MiB of hostile text in one linear pass (%s)", { timeout: 10_000 }, (dialect) => {
    const MIB = 1 << 20;
    // Linear work ends in well under a second; a scan that backtracks would run into the test timeout.
    const inputs = ["::".repeat(MIB / 2), `/*${":x ".repeat(MIB / 3)}`, `'${":x".repeat(MIB / 2)}`, ":".repeat(MIB)];
    for (const input of inputs) expect(findParameters(input, dialect)).toEqual([]);
    // In DuckDB `[:a` is a slice; in Databricks an index may be a parameter.
    expect(findParameters("[".repeat(MIB / 2) + ":a".repeat(MIB / 4), dialect)).toEqual(
      dialect === "duckdb" ? [] : ["a"],
    );
    expect(findParameters(":a".repeat(MIB / 2), dialect)).toEqual(["a"]); // then `a:a`: a path after a
    expect(findParameters("SELECT :a, ".repeat(MIB / 11), dialect)).toEqual(["a"]);
    expect(findParameterMarkers("SELECT :a, ".repeat(MIB / 11), dialect)).toHaveLength(Math.floor(MIB / 11));
  });
});

describe("back-quoted names", () => {
  it.each(both)("finds :`any name`, named by its unquoted text in lower case (%s)", (dialect) => {
    const sql = "SELECT :`start date`, :`it``s`, :`Start Date`, :`day`, :day, :`a;b -- c`, :`é ☕`";
    expect(findParameters(sql, dialect)).toEqual(["start date", "it`s", "day", "a;b -- c", "é ☕"]);
    expect(findParameterMarkers("SELECT :`a b`", dialect)).toEqual([{ name: "a b", start: 7, end: 13 }]);
  });

  it.each(both)(
    "needs the quote right after the colon, closed, a name of 1 to 64 characters without control characters (%s)",
    (dialect) => {
      expect(findParameters("SELECT : `a b`, :``, :`a\nb`, :`a\tb`", dialect)).toEqual([]);
      expect(findParameters(`SELECT :\`${"a".repeat(64)} \`, :\`${"b".repeat(65)}\``, dialect)).toEqual([]);
      expect(findParameters(`SELECT :\`${"a".repeat(63)} \`, :\`${"`".repeat(130)}\``, dialect)).toEqual([
        `${"a".repeat(63)} `,
      ]);
      expect(findParameters("SELECT :`unclosed", dialect)).toEqual([]);
      expect(findParameters("SELECT :`unclosed, :a", dialect)).toEqual([]);
      // After a value, :`x` is a path or an alias, as :x is.
      expect(findParameters("SELECT raw:`a b`, ':`s`' -- :`c`", dialect)).toEqual([]);
    },
  );

  it("a backtick is a quoted name only after a colon in DuckDB", () => {
    expect(findParameters("SELECT `a`, :`b c` FROM t", "duckdb")).toEqual(["b c"]);
    expect(findParameters("SELECT `a:b` FROM t", "databricks")).toEqual([]);
  });

  it.each(both)("reads 1 MiB of backticks and colons in one linear pass (%s)", { timeout: 10_000 }, (dialect) => {
    const MIB = 1 << 20;
    expect(findParameters("`".repeat(MIB), dialect)).toEqual([]);
    expect(findParameters(`:${"`".repeat(MIB)}`, dialect)).toEqual([]);
    // `:` then the name ":" quoted, then a `:` after a value, and so on.
    expect(findParameters(":`".repeat(MIB / 2), dialect)).toEqual([":"]);
    expect(findParameters("SELECT :`a`, ".repeat(MIB / 13), dialect)).toEqual(["a"]);
    expect(findParameterMarkers("SELECT :`a b`, ".repeat(MIB / 15), dialect)).toHaveLength(Math.floor(MIB / 15));
    expect(findParameters(`SELECT :\`${"``".repeat(MIB / 2)}\``, dialect)).toEqual([]);
  });

  it("are written back quoted where they need it", () => {
    expect(markerText("day")).toBe(":day");
    expect(markerText("start date")).toBe(":`start date`");
    expect(markerText("it`s")).toBe(":`it``s`");
    expect(isParameterName("start date")).toBe(true);
    expect(isParameterName("Start")).toBe(false);
    expect(isParameterName("a\nb")).toBe(false);
    expect(isParameterName("")).toBe(false);
  });
});

describe("values", () => {
  const spec = (type: ParameterSpec["type"], value: string | string[], choices?: string[]): ParameterSpec => ({
    name: "p",
    type,
    value,
    choices,
  });

  it("refuses what is not a date, timestamp or number", () => {
    expect(valueProblem(spec("date", "2024-02-29"))).toBeNull();
    expect(valueProblem(spec("date", "2023-02-29"))).toMatch(/not a date/);
    expect(valueProblem(spec("date", "2024-13-01"))).toMatch(/not a date/);
    expect(valueProblem(spec("date", "yesterday"))).toMatch(/not a date/);
    expect(valueProblem(spec("date", "'; DROP TABLE x; --"))).toMatch(/not a date/);
    expect(valueProblem(spec("timestamp", "2024-01-02 03:04"))).toBeNull();
    expect(valueProblem(spec("timestamp", "2024-01-02T03:04:05.123456"))).toBeNull();
    expect(valueProblem(spec("timestamp", "2024-01-02 24:00"))).toMatch(/not a timestamp/);
    expect(valueProblem(spec("number", "-1.5e3"))).toBeNull();
    expect(valueProblem(spec("number", "42"))).toBeNull();
    for (const bad of ["", "1e", "0x10", "NaN", "Infinity", "1 OR 1=1", "."])
      expect(valueProblem(spec("number", bad))).toMatch(/not a number/);
    expect(valueProblem(spec("text", "'; DROP TABLE x; --"))).toBeNull();
  });

  it("dropdowns take only their choices", () => {
    expect(valueProblem(spec("choice", "b", ["a", "b"]))).toBeNull();
    expect(valueProblem(spec("choice", "c", ["a", "b"]))).toMatch(/from the list/);
    expect(valueProblem(spec("multi", ["a"], ["a", "b"]))).toBeNull();
    expect(valueProblem(spec("multi", [], ["a", "b"]))).toMatch(/at least one/);
    expect(valueProblem(spec("multi", ["a", "z"], ["a", "b"]))).toMatch(/not one of the choices/);
  });

  it("parses dates and timestamps into parts", () => {
    expect(parseDate("2024-03-05")).toEqual({ year: 2024, month: 3, day: 5 });
    expect(parseTimestamp("2024-03-05 06:07:08.9")).toEqual({
      year: 2024,
      month: 3,
      day: 5,
      hour: 6,
      minute: 7,
      second: 8,
      micros: 900_000,
    });
  });

  it("keeps the specs of names still in the text, and adds text widgets for new ones", () => {
    const kept: ParameterSpec = { name: "d", type: "date", value: "2024-01-01" };
    expect(specsFor(["d", "n"], [kept, { name: "gone", type: "number", value: "1" }])).toEqual([
      kept,
      { name: "n", type: "text", value: "" },
    ]);
  });
});

describe("bindStatement", () => {
  const specs = new Map<string, ParameterSpec>([
    ["d", { name: "d", type: "date", value: " 2024-01-01 " }],
    ["t", { name: "t", type: "text", value: "'; DROP TABLE x; --" }],
    ["ids", { name: "ids", type: "multi", value: ["1", "3"], choices: ["1", "2", "3"] }],
    ["c", { name: "c", type: "choice", value: "b", choices: ["a", "b"] }],
  ]);

  it("rewrites markers for DuckDB and lists the values apart from the text", () => {
    const bound = bindStatement("SELECT :D, ':d', :t WHERE id IN (:ids) AND c = :c AND x = :d", "duckdb", specs);
    expect(bound.text).toBe("SELECT $d, ':d', $t WHERE id IN ($ids__1, $ids__2) AND c = $c AND x = $d");
    expect(bound.values).toEqual([
      { name: "d", type: "date", value: "2024-01-01" },
      { name: "t", type: "text", value: "'; DROP TABLE x; --" },
      { name: "ids__1", type: "number", value: "1" },
      { name: "ids__2", type: "number", value: "3" },
      { name: "c", type: "text", value: "b" },
    ]);
  });

  it("keeps Databricks markers, in lower case", () => {
    const bound = bindStatement("SELECT :T FROM x WHERE id IN (:ids)", "databricks", specs);
    expect(bound.text).toBe("SELECT :t FROM x WHERE id IN (:ids__1, :ids__2)");
  });

  it("expanded names never take another parameter's", () => {
    const withClash = new Map(specs);
    withClash.set("ids__1", { name: "ids__1", type: "text", value: "x" });
    const bound = bindStatement("SELECT :ids__1 WHERE id IN (:ids)", "duckdb", withClash);
    expect(bound.text).toBe("SELECT $ids__1 WHERE id IN ($ids___1, $ids___2)");
  });

  it("keeps back-quoted names for Databricks and gives DuckDB generated words for them", () => {
    const quoted = new Map<string, ParameterSpec>([
      ["start date", { name: "start date", type: "date", value: "2024-01-01" }],
      ["it`s", { name: "it`s", type: "text", value: "o'k" }],
      ["p_1", { name: "p_1", type: "number", value: "7" }],
      ["many ids", { name: "many ids", type: "multi", value: ["1", "3"], choices: ["1", "3"] }],
    ]);
    const source = "SELECT :`Start Date`, :`it``s`, :p_1 WHERE id IN (:`many ids`) AND oops";
    const databricks = bindStatement(source, "databricks", quoted);
    expect(databricks.text).toBe(
      "SELECT :`start date`, :`it``s`, :p_1 WHERE id IN (:`many ids__1`, :`many ids__2`) AND oops",
    );
    expect(databricks.values.map((v) => v.name)).toEqual(["start date", "it`s", "p_1", "many ids__1", "many ids__2"]);
    const duckdb = bindStatement(source, "duckdb", quoted);
    // `p_1` is taken by a parameter of the text: the generated words start elsewhere.
    expect(duckdb.text).toBe("SELECT $p__1, $p__2, $p_1 WHERE id IN ($p__3__1, $p__3__2) AND oops");
    expect(duckdb.values).toEqual([
      { name: "p__1", type: "date", value: "2024-01-01" },
      { name: "p__2", type: "text", value: "o'k" },
      { name: "p_1", type: "number", value: "7" },
      { name: "p__3__1", type: "number", value: "1" },
      { name: "p__3__2", type: "number", value: "3" },
    ]);
    for (const bound of [databricks, duckdb]) {
      expect(sourceOffset(bound, bound.text.indexOf("oops"))).toBe(source.indexOf("oops"));
      expect(sourceOffset(bound, bound.edits[1].at + 1)).toBe(source.indexOf(":`it"));
    }
  });

  it("generated names never repeat one another", () => {
    const all = new Map<string, ParameterSpec>(
      ["a", "a_", "a__", "p_x"].map((n): [string, ParameterSpec] => [
        n,
        { name: n, type: "multi", value: ["1", "2"], choices: ["1", "2"] },
      ]),
    );
    all.set("q r", { name: "q r", type: "multi", value: ["1"], choices: ["1"] });
    const bound = bindStatement("SELECT :a, :a_, :a__, :p_x, :`q r`", "duckdb", all);
    const names = bound.values.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(9);
  });

  it("leaves text without markers alone", () => {
    expect(bindStatement("SELECT x::int", "duckdb", specs)).toEqual({ text: "SELECT x::int", values: [], edits: [] });
  });

  it("maps an offset in the bound text back to the statement as written", () => {
    const source = "SELECT 1 WHERE id IN (:ids) AND :t = oops";
    const bound = bindStatement(source, "duckdb", specs);
    expect(bound.text).toBe("SELECT 1 WHERE id IN ($ids__1, $ids__2) AND $t = oops");
    expect(sourceOffset(bound, bound.text.indexOf("oops"))).toBe(source.indexOf("oops"));
    expect(sourceOffset(bound, bound.text.indexOf("$ids__2"))).toBe(source.indexOf(":ids"));
    expect(sourceOffset(bound, bound.text.indexOf("$t"))).toBe(source.indexOf(":t"));
    expect(sourceOffset(bound, 3)).toBe(3);
  });
});

describe("the project's 1 MiB hostile inputs", () => {
  for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
    it(name, { timeout: 10_000 }, () => {
      for (const dialect of both) {
        // Linear work; a quadratic scan would run into the test timeout.
        const names = findParameters(sql, dialect);
        const specs = new Map(names.map((n): [string, ParameterSpec] => [n, { name: n, type: "text", value: "v" }]));
        const bound = bindStatement(sql, dialect, specs);
        expect(bound.values.length).toBe(names.length);
      }
    });
  }
});

describe("numberBinding", () => {
  it("binds integers as BIGINT while they fit, exact decimals as DECIMAL, the rest as DOUBLE", () => {
    expect(numberBinding("42")).toEqual({ kind: "bigint", value: 42n });
    expect(numberBinding("-9223372036854775808")).toEqual({ kind: "bigint", value: -9223372036854775808n });
    expect(numberBinding("9223372036854775808")).toEqual({
      kind: "decimal",
      unscaled: 9223372036854775808n,
      width: 19,
      scale: 0,
    });
    expect(numberBinding(" -0.05 ")).toEqual({ kind: "decimal", unscaled: -5n, width: 3, scale: 2 });
    expect(numberBinding("+1.50")).toEqual({ kind: "decimal", unscaled: 150n, width: 3, scale: 2 });
    expect(numberBinding("1e3")).toEqual({ kind: "double", value: 1000 });
    expect(numberBinding("1".repeat(39))).toEqual({ kind: "double", value: Number("1".repeat(39)) });
  });
});
