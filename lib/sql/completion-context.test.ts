import { describe, expect, it } from "vitest";
import { completionContext } from "./completion-context";

/** The context at the `|` in `text`. */
function at(text: string, dialect: "duckdb" | "databricks" = "duckdb") {
  const cursor = text.indexOf("|");
  return completionContext(text.slice(0, cursor) + text.slice(cursor + 1), cursor, dialect);
}

describe("the completion context", () => {
  it("finds a table position after FROM and JOIN, with the name parts typed", () => {
    expect(at("SELECT * FROM sa|")).toMatchObject({ kind: "relation", path: [], prefix: "sa", start: 14 });
    expect(at("SELECT * FROM samples.|")).toMatchObject({ kind: "relation", path: ["samples"], prefix: "" });
    expect(at("SELECT * FROM samples.nyctaxi.tr|")).toMatchObject({
      kind: "relation",
      path: ["samples", "nyctaxi"],
      prefix: "tr",
    });
    expect(at("SELECT * FROM a JOIN samples . nyctaxi . |")).toMatchObject({
      kind: "relation",
      path: ["samples", "nyctaxi"],
    });
    expect(at("SELECT * FROM a, |")).toMatchObject({ kind: "relation", path: [] });
    expect(at("SELECT * FROM |")).toMatchObject({ kind: "relation", path: [], prefix: "" });
  });

  it("reads quoted names unquoted, and keeps a quoted prefix with its quote", () => {
    expect(at('SELECT * FROM "My ""Cat""".|')).toMatchObject({ kind: "relation", path: ['My "Cat"'] });
    expect(at("SELECT * FROM `my cat`.|", "databricks")).toMatchObject({ kind: "relation", path: ["my cat"] });
    expect(at('SELECT * FROM samples."ny t|')).toMatchObject({ kind: "relation", path: ["samples"], prefix: '"ny t' });
  });

  it("finds the table an alias names, before or after the cursor", () => {
    const where = at("SELECT * FROM samples.nyctaxi.trips t WHERE t.|");
    expect(where).toMatchObject({ kind: "qualified", qualifier: ["t"] });
    expect(where && "relations" in where && where.relations).toEqual([
      { path: ["samples", "nyctaxi", "trips"], alias: "t" },
    ]);
    const select = at("SELECT t.fa| FROM samples.nyctaxi.trips AS t JOIN workspace.main.zones z ON t.a = z.b");
    expect(select).toMatchObject({ kind: "qualified", qualifier: ["t"], prefix: "fa" });
    expect(select && "relations" in select && select.relations).toEqual([
      { path: ["samples", "nyctaxi", "trips"], alias: "t" },
      { path: ["workspace", "main", "zones"], alias: "z" },
    ]);
  });

  it("offers columns, keywords and functions elsewhere, with the statement's tables", () => {
    const bare = at("SELECT fa| FROM trips WHERE x = 1; SELECT * FROM other");
    expect(bare).toMatchObject({ kind: "general", prefix: "fa", relations: [{ path: ["trips"], alias: null }] });
    const where = at("SELECT 1; SELECT * FROM (SELECT 1) s, samples.nyctaxi.trips WHERE |");
    expect(where).toMatchObject({
      kind: "general",
      relations: [{ path: ["samples", "nyctaxi", "trips"], alias: null }],
    });
  });

  it("offers nothing inside strings, comments and numbers", () => {
    expect(at("SELECT 'FROM |'")).toBeNull();
    expect(at("SELECT 1 -- FROM |")).toBeNull();
    expect(at("SELECT 1 /* FROM |")).toBeNull();
    expect(at("SELECT 12|")).toBeNull();
    expect(at("SELECT 'a' |")).toMatchObject({ kind: "general" });
  });

  it("answers promptly for a megabyte of hostile text", () => {
    for (const filler of [",", "(", ".", "FROM ", "a.", '"', "/*", "'"]) {
      const text = `SELECT * FROM ${filler.repeat(Math.floor((1024 * 1024) / filler.length))}`;
      // Linear work ends at once; a quadratic scan would run into the test timeout.
      completionContext(text, text.length, "duckdb");
      completionContext(text, 20, "duckdb");
    }
  });
});
