import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import { MAX_SYNTAX_CHECK_BYTES } from "@/lib/syntax";
import { savePersonalConnection } from "./support/connections";
import { prepareTempDataDir } from "./support/env";
import { HOSTILE_SQL } from "./support/hostile-sql";
import { createTestUser } from "./support/users";

/**
 * The editor's syntax check (lib/server/syntax.ts) on the real built-in
 * warehouse: DuckDB's own parser, nothing run, the same access as running.
 */
prepareTempDataDir(1_000);

const { checkSyntax } = await import("@/lib/server/syntax");
const { runtime } = await import("@/lib/server/runtime");

type User = Awaited<ReturnType<typeof createTestUser>>;
let alice: User;
let bob: User;
/** Alice's own Databricks connection (never reached: nothing here connects). */
let personal: string;

beforeAll(async () => {
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  bob = await createTestUser("member", `bob-${randomUUID().slice(0, 6)}`);
  personal = await savePersonalConnection(alice);
}, 120_000);

describe("the syntax check on the built-in warehouse", () => {
  it("finds the first error where DuckDB's parser stops, and nothing in good SQL", async () => {
    expect(await checkSyntax(alice, "builtin", "SELECT 1;\nSELECT * FROM samples.nyctaxi.trips")).toEqual({
      checked: true,
      problem: null,
    });
    const bad = "SELECT 1;\nSELECT * FRM samples.nyctaxi.trips";
    const { problem } = await checkSyntax(alice, "builtin", bad);
    expect(problem?.message).toMatch(/^Parser Error: syntax error at or near "samples"/);
    expect(problem?.offset).toBe(bad.indexOf("samples"));
    expect((await checkSyntax(alice, "builtin", "SELEC 1")).problem?.offset).toBe(0);
    expect((await checkSyntax(alice, "builtin", "SELECT (1")).problem?.message).toContain("end of input");
  });

  it("counts the offset in the editor's characters, after accents, emoji and comments", async () => {
    const text = "-- café ☕ 🦆\nSELECT 'naïve 🦆' /* ü */ + FROM t";
    const { problem } = await checkSyntax(alice, "builtin", text);
    expect(problem?.offset).toBe(text.indexOf("FROM"));
  });

  it("reads :name parameters as the run binds them, and leaves casts and strings alone", async () => {
    for (const sql of [
      "SELECT * FROM samples.nyctaxi.trips WHERE pickup_date >= :start AND fare_amount < :most LIMIT :n",
      "SELECT 1::INTEGER, ':not_a_parameter', [1, 2, 3][1:2]",
      "SELECT * FROM range(10) WHERE range IN (:ids)",
      "SELECT :`start date`, :`it``s`, :`a;b`",
    ])
      expect(await checkSyntax(alice, "builtin", sql), sql).toEqual({ checked: true, problem: null });
    for (const text of ["SELECT :a + FROM t", "SELECT :`café ☕ 🦆` + FROM t"])
      expect((await checkSyntax(alice, "builtin", text)).problem?.offset, text).toBe(text.indexOf("FROM"));
  });

  it("runs nothing: a statement that would change the warehouse only parses", async () => {
    const table = `syntax_${randomUUID().slice(0, 8)}`;
    expect(await checkSyntax(alice, "builtin", `CREATE TABLE workspace."default".${table} AS SELECT 1 AS x`)).toEqual({
      checked: true,
      problem: null,
    });
    // Nor is the sandbox asked: ATTACH parses (a run refuses it).
    expect((await checkSyntax(alice, "builtin", "ATTACH '/etc/passwd' AS p")).problem).toBeNull();
    const { engine } = await runtime();
    expect((await engine.listTables("workspace", "default")).map((t) => t.name)).not.toContain(table);
  });

  it("marks a NUL character, which DuckDB would silently stop at", async () => {
    const text = "SELECT 1 \u0000; DROP TABLE x";
    expect((await checkSyntax(alice, "builtin", text)).problem?.offset).toBe(text.indexOf("\u0000"));
  });

  it("answers texts of the worst characters at the route's limit", async () => {
    for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
      const text = sql.slice(0, MAX_SYNTAX_CHECK_BYTES / 4);
      const { checked } = await checkSyntax(alice, "builtin", text);
      expect(checked, name).toBe(true);
    }
    // The server keeps parsing for everyone.
    expect((await checkSyntax(bob, "builtin", "SELECT 1")).problem).toBeNull();
  });
});

describe("who may check on a connection", () => {
  it("checks nothing on Databricks, where parsing needs the warehouse", async () => {
    expect(await checkSyntax(alice, personal, "SELEC 1")).toEqual({ checked: false, problem: null });
  });

  it("gives another member's connection, and a made-up one, the same not found", async () => {
    await expect(checkSyntax(bob, personal, "SELECT 1")).rejects.toThrow(NOT_FOUND);
    await expect(checkSyntax(bob, randomUUID(), "SELECT 1")).rejects.toThrow(NOT_FOUND);
    await expect(checkSyntax(bob, "../builtin", "SELECT 1")).rejects.toThrow(NOT_FOUND);
  });
});
