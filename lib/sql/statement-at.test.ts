import { describe, expect, it } from "vitest";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { splitStatements } from "./split";
import { statementAt } from "./statement-at";

/** The statement at the `|` in `marked` (the `|` removed). */
function at(marked: string, dialect: "duckdb" | "databricks" = "duckdb") {
  const offset = marked.indexOf("|");
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const statement = statementAt(text, offset, dialect);
  if (statement) expect(text.slice(statement.offset, statement.offset + statement.text.length)).toBe(statement.text);
  return statement?.text ?? null;
}

describe("statementAt", () => {
  const script = "select 1;\nselect 2;\nselect 3;";

  it("finds the statement the cursor is in", () => {
    expect(at("sel|ect 1;\nselect 2;\nselect 3;")).toBe("select 1");
    expect(at("select 1;\nselect |2;\nselect 3;")).toBe("select 2");
    expect(at("select 1;\nselect 2;\n|select 3;")).toBe("select 3");
    expect(at("|select 1")).toBe("select 1");
    expect(statementAt(script, script.indexOf("2"))).toEqual({ text: "select 2", offset: 10 });
  });

  it("takes a statement's `;` as part of it, and blanks after it on the same line", () => {
    expect(at("select 1|;\nselect 2;")).toBe("select 1");
    expect(at("select 1;|\nselect 2;")).toBe("select 1");
    expect(at("select 1;|  select 2;")).toBe("select 1");
    expect(at("select 1;  |\t\nselect 2;")).toBe("select 1");
    expect(at("select 1;  |  select 2;")).toBe("select 2");
    expect(at("select 1;\n|\nselect 2;")).toBe("select 2");
  });

  it("gives a comment before a statement to that statement", () => {
    expect(at("select 1;\n-- the |second\nselect 2;")).toBe("-- the second\nselect 2");
    expect(at("select 1; /* a |note */ select 2")).toBe("/* a note */ select 2");
  });

  it("at the very end, or among empty statements, takes the statement before", () => {
    expect(at("select 1;\nselect 2;\n|")).toBe("select 2");
    expect(at("select 1;\nselect 2;|")).toBe("select 2");
    expect(at("select 1;\nselect 2|")).toBe("select 2");
    expect(at("select 1;\n-- only a comment|")).toBe("select 1");
    expect(at("select 1; ;\n ;| ; select 2")).toBe("select 1");
    // Nothing before: the statement after.
    expect(at("-- header|\n;\nselect 2;")).toBe("select 2");
    expect(at("|")).toBeNull();
    expect(at(" ; -- |nothing ;")).toBeNull();
  });

  it("never cuts inside strings, quoted names or comments that hold a `;`", () => {
    expect(at("select 'a;|b' as x; select 2")).toBe("select 'a;b' as x");
    expect(at("select 1; select 'x;y' |as \"c;d\" /* ; */ -- ;\n from t; select 3")).toBe(
      "select 'x;y' as \"c;d\" /* ; */ -- ;\n from t",
    );
    expect(at("select 'it\\'s;' ; select `a;|b`", "databricks")).toBe("select `a;b`");
    expect(at("select $$a;b$$; select $t$c;|d$t$")).toBe("select $t$c;d$t$");
  });

  it("agrees with splitStatements on where each statement is", () => {
    const text = "-- a\nselect 1; select ';'\n;;\n/* b; */ select 3 -- c\n";
    const statements = splitStatements(text);
    for (const s of statements)
      for (let o = s.offset; o < s.offset + s.text.length; o++) expect(statementAt(text, o)).toEqual(s);
  });

  it("clamps offsets outside the text", () => {
    expect(statementAt(script, -5)?.text).toBe("select 1");
    expect(statementAt(script, 1e9)?.text).toBe("select 3");
  });

  describe("hostile input", () => {
    it.each(Object.keys(HOSTILE_SQL))("1 MiB of %s, cursor at both ends and the middle, in one linear pass", (name) => {
      const text = HOSTILE_SQL[name];
      // Linear work ends in about a second; a quadratic scan would run into the test timeout.
      for (const dialect of ["duckdb", "databricks"] as const)
        for (const offset of [0, text.length >> 1, text.length]) {
          const found = statementAt(text, offset, dialect);
          // What it answers is cut out of the text where it says.
          if (found) expect(text.startsWith(found.text, found.offset)).toBe(true);
        }
    });

    it("a 1 MiB script of short statements, cursor at the end", () => {
      const text = "select 1;\n".repeat(MIB / 10);
      expect(statementAt(text, text.length)).toEqual({ text: "select 1", offset: text.length - 10 });
      expect(statementAt(text, 0)).toEqual({ text: "select 1", offset: 0 });
    });
  });
});
