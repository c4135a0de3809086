import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { Candidate, CompletionRequestKind } from "@/lib/completions";
import { completionQuery } from "@/lib/schemas/completions";
import { savePersonalConnection } from "./support/connections";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const { completions, refreshCompletions } = await import("@/lib/server/completions/candidates");
const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");

type User = Awaited<ReturnType<typeof createTestUser>>;
let alice: User;
let bob: User;
/** Alice's personal Databricks connection: only she may use it. Nothing here ever reaches it. */
let personal: string;

async function run(user: User, sql: string) {
  const { engine } = await runtime();
  const started = await runs.startRun(user, { sql, connectionId: "builtin", lane: randomUUID(), pageSize: 10 }, engine);
  const view = await settleRun(runs.runState, user, started.run.id);
  expect(view.error?.message).toBeUndefined();
}

function ask(user: User, kind: CompletionRequestKind, path: string[] = [], prefix = "", connectionId = "builtin") {
  return completions(user, connectionId, { kind, path, prefix });
}

const labels = (items: Candidate[]) => items.map((item) => item.label);
const named = (items: Candidate[], label: string) => items.find((item) => item.label === label);

beforeAll(async () => {
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  bob = await createTestUser("member", `bob-${randomUUID().slice(0, 6)}`);
  personal = await savePersonalConnection(alice);
  await run(alice, `CREATE TABLE workspace."default"."Odd Name" ("Fare Amount" DECIMAL(10,2), id INTEGER)`);
}, 120_000);

describe("completion on the built-in warehouse", () => {
  it("offers catalogs, and the default schema's tables, where a table is named", async () => {
    const { items, incomplete } = await ask(alice, "relations");
    expect(incomplete).toBe(false);
    expect(labels(items)).toEqual(expect.arrayContaining(["samples", "workspace", "Odd Name"]));
    expect(named(items, "samples")).toMatchObject({ kind: "catalog", insert: "samples" });
    // Unquoted it would not be one name: inserted quoted, as DuckDB quotes.
    expect(named(items, "Odd Name")).toMatchObject({ kind: "table", insert: '"Odd Name"' });
    expect(labels(items)).not.toContain("system");
  });

  it("offers a catalog's schemas, then a schema's tables and views, in any case typed", async () => {
    expect(labels((await ask(alice, "relations", ["samples"])).items)).toEqual(["demo", "nyctaxi", "tpch"]);
    expect(labels((await ask(alice, "relations", ["SAMPLES"])).items)).toEqual(["demo", "nyctaxi", "tpch"]);
    const tables = (await ask(alice, "relations", ["samples", "nyctaxi"])).items;
    expect(named(tables, "trips")).toMatchObject({ kind: "table", insert: "trips" });
    expect((await ask(alice, "relations", ["samples", "nope"])).items).toEqual([]);
    expect((await ask(alice, "relations", ["a", "b", "c"])).items).toEqual([]);
  });

  it("offers a table's columns with their types, named in full or from the default schema", async () => {
    const columns = (await ask(alice, "columns", ["samples", "nyctaxi", "trips"])).items;
    expect(named(columns, "fare_amount")).toMatchObject({ kind: "column", detail: "DECIMAL(10,2)" });
    expect(named(columns, "trip_id")).toMatchObject({ detail: "BIGINT" });
    const odd = (await ask(alice, "columns", ["odd name"])).items;
    expect(odd.map(({ label, insert }) => [label, insert])).toEqual([
      ["Fare Amount", '"Fare Amount"'],
      ["id", "id"],
    ]);
    expect((await ask(alice, "columns", ["default", "Odd Name"])).items).toHaveLength(2);
    expect((await ask(alice, "columns", ["samples", "nyctaxi", "nope"])).items).toEqual([]);
  });

  it("resolves unqualified names where the editor tab's session is (after USE), when it says", async () => {
    const place = ["samples", "nyctaxi"];
    const here = (await completions(alice, "builtin", { kind: "relations", path: [], prefix: "", place })).items;
    expect(labels(here)).toContain("trips");
    expect(labels(here)).not.toContain("Odd Name");
    const columns = (await completions(alice, "builtin", { kind: "columns", path: ["trips"], prefix: "", place }))
      .items;
    expect(labels(columns)).toContain("fare_amount");
    expect(labels((await ask(alice, "columns", ["trips"])).items)).toEqual([]);
  });

  it("offers DuckDB's keywords and functions, with a signature", async () => {
    const { items } = await ask(alice, "words");
    expect(named(items, "SELECT")).toMatchObject({ kind: "keyword" });
    const trunc = named(items, "date_trunc");
    expect(trunc).toMatchObject({ kind: "function", documentation: expect.stringMatching(/truncate/i) });
    expect(trunc?.detail).toMatch(/^date_trunc\(part VARCHAR, .*\) → .* \(\+\d+ more\)$/);
    expect(labels(items).some((label) => label.startsWith("__"))).toBe(false);
  });

  it("keeps a listing for a while, and reads it again after the member's refresh", async () => {
    expect(labels((await ask(bob, "relations", ["workspace", "default"])).items)).not.toContain("fresh");
    await run(alice, `CREATE TABLE workspace."default".fresh (n INTEGER)`);
    // Cached for Bob: his completion does not read the catalog on every key.
    expect(labels((await ask(bob, "relations", ["workspace", "default"])).items)).not.toContain("fresh");
    // Alice's refresh is hers: Bob's listing stays until his own.
    await refreshCompletions(alice, "builtin");
    expect(labels((await ask(bob, "relations", ["workspace", "default"])).items)).not.toContain("fresh");
    await refreshCompletions(bob, "builtin");
    expect(labels((await ask(bob, "relations", ["workspace", "default"])).items)).toContain("fresh");
  });

  it("answers later keys from the cache, without asking the warehouse again", async () => {
    const { engine } = await runtime();
    await ask(alice, "columns", ["samples", "nyctaxi", "trips"]);
    const listed = vi.spyOn(engine, "listColumns");
    try {
      for (let i = 0; i < 100; i++)
        expect(labels((await ask(alice, "columns", ["samples", "nyctaxi", "trips"])).items)).toContain("fare_amount");
      expect(listed).not.toHaveBeenCalled();
    } finally {
      listed.mockRestore();
    }
  });
});

describe("who may complete on a connection", () => {
  it("gives another member's connection, and a made-up one, the same not found", async () => {
    await expect(ask(bob, "relations", [], "", personal)).rejects.toThrow(NOT_FOUND);
    await expect(ask(bob, "words", [], "", randomUUID())).rejects.toThrow(NOT_FOUND);
    await expect(refreshCompletions(bob, personal)).rejects.toThrow(NOT_FOUND);
  });
});

describe("hostile requests", () => {
  const worst = "\u0000'\"`\\;--/*\u202e\ud800".repeat((1024 * 1024) / 11);

  it("refuses a megabyte prefix or path before reading anything", () => {
    expect(completionQuery.safeParse({ kind: "relations", prefix: worst }).success).toBe(false);
    expect(completionQuery.safeParse({ kind: "columns", path: JSON.stringify([worst]) }).success).toBe(false);
    expect(completionQuery.safeParse({ kind: "columns", path: worst }).success).toBe(false);
    expect(completionQuery.safeParse({ kind: "columns", path: JSON.stringify(["a", "b", "c", "d"]) }).success).toBe(
      false,
    );
    expect(completionQuery.safeParse({ kind: "columns", path: '{"a":1}' }).success).toBe(false);
    expect(completionQuery.safeParse({ kind: "columns", place: '["a","b","c"]' }).success).toBe(false);
    expect(completionQuery.safeParse({ kind: "columns", place: JSON.stringify([worst, "b"]) }).success).toBe(false);
    expect(completionQuery.parse({ kind: "columns", place: '["a","b"]' }).place).toEqual(["a", "b"]);
    expect(completionQuery.safeParse({ kind: "everything" }).success).toBe(false);
    expect(completionQuery.parse({ kind: "words" })).toEqual({ kind: "words", path: [], prefix: "" });
  });

  it("answers names made of the worst characters promptly, with nothing", async () => {
    const name = worst.slice(0, 255);
    expect((await ask(alice, "columns", [name, name, name], name)).items).toEqual([]);
    expect((await ask(alice, "relations", [name, name], name)).items).toEqual([]);
  });
});
