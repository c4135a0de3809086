import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duckdbSettings } from "@/lib/server/engines/duckdb/warehouse";
import { closeLedgerRow, isWriteConflict, LEDGER_SQL, openLedgerRow, setLedgerBytes } from "@/lib/server/runs/ledger";

// Two indexes of one result finishing at once both update its ledger row, and
// DuckDB's optimistic transactions refuse one of the two updates ("Conflict on
// update!"): a filter's first page failed with that in a test run.
describe("the ledger under concurrent updates of one row", () => {
  let instance: DuckDBInstance;
  let dir = "";

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-ledger-"));
    instance = await DuckDBInstance.create(
      path.join(dir, "results.duckdb"),
      duckdbSettings("64MB", path.join(dir, "spill"), 2),
    );
    const setup = await instance.connect();
    await setup.run(LEDGER_SQL);
    setup.closeSync();
  });

  afterAll(() => {
    instance?.closeSync();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("DuckDB does refuse one of two updates at once, and the refusal is told apart from other errors", async () => {
    const connections = await Promise.all(Array.from({ length: 4 }, () => instance.connect()));
    const setup = connections[0];
    await openLedgerRow(setup, "conflict-seen", "owner", 0);
    const errors: unknown[] = [];
    for (let round = 0; round < 50 && errors.length === 0; round++) {
      await Promise.all(
        connections.map((c, i) =>
          c
            .run("UPDATE ledger SET bytes = $2 WHERE run_id = $1", ["conflict-seen", round * 10 + i])
            .catch((error: unknown) => errors.push(error)),
        ),
      );
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(isWriteConflict)).toBe(true);
    await expect(setup.run("SELECT * FROM no_such_table")).rejects.toSatisfy((error) => !isWriteConflict(error));
    for (const c of connections) c.closeSync();
  });

  it("updates of one row from many connections at once all succeed, and the latest figure is the one kept", async () => {
    const connections = await Promise.all(Array.from({ length: 6 }, () => instance.connect()));
    await openLedgerRow(connections[0], "busy", "owner", 0);
    let current = 0;
    for (let round = 0; round < 40; round++) {
      // Each update writes the figure as it is when it runs, as the budget's holding is.
      await Promise.all(
        connections.map((c) => {
          current += 1;
          return setLedgerBytes(c, "busy", () => current);
        }),
      );
    }
    const reader = await instance.connect();
    const [[bytes]] = (await reader.runAndReadAll("SELECT bytes FROM ledger WHERE run_id = 'busy'")).getRows();
    expect(Number(bytes)).toBe(current);
    // A removal racing with updates also goes through.
    await Promise.all([
      closeLedgerRow(connections[0], "busy", "space"),
      ...connections.slice(1).map((c) => setLedgerBytes(c, "busy", () => 0)),
    ]);
    const [[removed]] = (await reader.runAndReadAll("SELECT removed FROM ledger WHERE run_id = 'busy'")).getRows();
    expect(removed).toBe("space");
    reader.closeSync();
    for (const c of connections) c.closeSync();
  });
});
