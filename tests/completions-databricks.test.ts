import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { Candidate, CompletionRequestKind } from "@/lib/completions";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { allowLocalWarehouse, prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

/**
 * Completion on a Databricks connection, through the real driver, against the
 * test warehouse with a large metastore generated as it is asked for:
 * 200 catalogs × 20 schemas × 25 tables × 40 columns.
 */
prepareTempDataDir(1_000);
allowLocalWarehouse();

const { completions, refreshCompletions } = await import("@/lib/server/completions/candidates");
const { saveConnection } = await import("@/lib/server/connections");

type User = Awaited<ReturnType<typeof createTestUser>>;
let warehouse: TestWarehouse;
let alice: User;
let bob: User;
let connection: string;

const labels = (items: Candidate[]) => items.map((item) => item.label);
const ask = (user: User, kind: CompletionRequestKind, path: string[] = [], prefix = "") =>
  completions(user, connection, { kind, path, prefix });

beforeAll(async () => {
  warehouse = await startTestWarehouse({
    tripsRows: 1_000,
    certificateDir: ".lakebook-test-tls",
    generatedMetastore: { catalogs: 200, schemas: 20, tables: 25, columns: 40 },
  });
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  bob = await createTestUser("member", `bob-${randomUUID().slice(0, 6)}`);
  const saved = await saveConnection(alice, {
    name: "Big metastore",
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    authType: "token",
    secret: warehouse.token,
    scope: "personal",
    defaultCatalog: "main",
    defaultSchema: "default",
  });
  connection = saved.id;
}, 120_000);

afterAll(async () => {
  await warehouse?.close();
});

describe("completion on a Databricks warehouse with a large metastore", () => {
  it("offers every catalog, then one catalog's schemas, one schema's tables and views, one table's columns", async () => {
    const catalogs = (await ask(alice, "relations")).items;
    expect(labels(catalogs)).toEqual(expect.arrayContaining(["samples", "main", "lake_000", "lake_199"]));
    expect(catalogs.filter((c) => c.kind === "catalog")).toHaveLength(202);

    const schemas = (await ask(alice, "relations", ["lake_042"])).items;
    expect(labels(schemas)).toHaveLength(20);
    expect(schemas[0]).toEqual({ label: "schema_00", insert: "schema_00", kind: "schema" });

    const tables = (await ask(alice, "relations", ["lake_042", "schema_07"])).items;
    expect(tables).toHaveLength(25);
    expect(tables.find((t) => t.label === "table_04")?.kind).toBe("view");
    expect(tables.find((t) => t.label === "table_00")?.kind).toBe("table");

    const columns = (await ask(alice, "columns", ["lake_042", "schema_07", "table_13"])).items;
    expect(columns).toHaveLength(40);
    expect(columns[0]).toMatchObject({ label: "col_00", kind: "column", detail: "BIGINT" });
    expect(columns[6]).toMatchObject({ label: "col_06", detail: "DECIMAL(10,2)" });
  });

  it("resolves names in the connection's default catalog and schema, and quotes with backticks", async () => {
    expect(labels((await ask(alice, "relations", ["samples"])).items)).toEqual(
      expect.arrayContaining(["nyctaxi", "tpch"]),
    );
    const trips = (await ask(alice, "columns", ["samples", "nyctaxi", "trips"])).items;
    expect(trips.find((c) => c.label === "fare_amount")?.detail).toMatch(/^DECIMAL/);
    // `main` is a reserved word for neither engine; `default` is.
    expect((await ask(alice, "relations", ["main"])).items).toContainEqual({
      label: "default",
      insert: "`default`",
      kind: "schema",
    });
  });

  it("offers Databricks SQL's keywords and functions with signatures", async () => {
    const { items } = await ask(alice, "words");
    expect(items.find((i) => i.label === "date_trunc")?.detail).toBe(
      "date_trunc(unit STRING, expr TIMESTAMP) → TIMESTAMP",
    );
    expect(items.find((i) => i.label === "QUALIFY")?.kind).toBe("keyword");
  });

  it("asks the warehouse for a table's columns once; later keys are answered from the cache", async () => {
    const calls = () => warehouse.stats().metadataCalls.length;
    for (let i = 0; i < 20; i++) {
      const path = [`lake_${String(100 + i).padStart(3, "0")}`, `schema_${String(i).padStart(2, "0")}`, "table_24"];
      const before = calls();
      expect((await ask(alice, "columns", path)).items).toHaveLength(40);
      expect(calls()).toBeGreaterThan(before);
      const cold = calls();
      for (let key = 0; key < 5; key++) expect((await ask(alice, "columns", path)).items).toHaveLength(40);
      expect(calls()).toBe(cold);
    }
  });

  it("reads the warehouse once per listing, and again after a refresh", async () => {
    await ask(alice, "relations", ["lake_007"]);
    const calls = () => warehouse.stats().metadataCalls.length;
    const before = calls();
    for (let i = 0; i < 10; i++) await ask(alice, "relations", ["lake_007"]);
    expect(calls()).toBe(before);
    await refreshCompletions(alice, connection);
    await ask(alice, "relations", ["lake_007"]);
    // The catalogs (to find lake_007's spelling), its schemas, and the default catalog's.
    expect(calls()).toBeGreaterThan(before);
  });

  it("is not found for a member who may not use the connection", async () => {
    await expect(ask(bob, "relations")).rejects.toThrow(NOT_FOUND);
    await expect(refreshCompletions(bob, connection)).rejects.toThrow(NOT_FOUND);
  });
});
