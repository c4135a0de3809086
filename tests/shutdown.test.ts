import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { allowLocalWarehouse, prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

/**
 * The server's shutdown, in process, against the real parts: a Databricks
 * statement running on the test warehouse and one on the built-in warehouse
 * are cancelled on their engines, the Databricks sessions closed, every store
 * closed, and no run is left "running".
 */
const dataDir = prepareTempDataDir();
allowLocalWarehouse();

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const { saveConnection } = await import("@/lib/server/connections");
const { engineFor } = await import("@/lib/server/connections/engines");
const { shutdown, SHUTTING_DOWN } = await import("@/lib/server/shutdown");
const { openDb } = await import("@/lib/server/db/client");
const { RunCatalog } = await import("@/lib/server/runs/catalog");
const rt = await runtime();
const me = await createTestUser("admin");

let warehouse: TestWarehouse;

beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
});

afterAll(async () => {
  await warehouse?.close();
});

const LONG_ON_DATABRICKS = "SELECT count(*) FROM range(50000000000) t(i) WHERE i % 7 = 3";
const LONG_BUILTIN = "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range";

describe("shutdown", () => {
  it("cancels running statements on their engines, closes everything, and leaves no run running", async () => {
    const connection = await saveConnection(me, {
      name: "Test warehouse",
      host: "localhost",
      port: warehouse.port,
      httpPath: warehouse.path,
      authType: "token",
      secret: warehouse.token,
      scope: "personal",
    });
    const databricks = await engineFor(me, connection.id);
    const onDatabricks = await runs.startRun(
      me,
      { sql: LONG_ON_DATABRICKS, connectionId: connection.id, lane: "a", pageSize: 10 },
      databricks,
    );
    const builtin = await runs.startRun(
      me,
      { sql: LONG_BUILTIN, connectionId: "builtin", lane: "b", pageSize: 10 },
      rt.engine,
    );
    expect(onDatabricks.run.status).toBe("running");
    expect(builtin.run.status).toBe("running");
    await expect.poll(() => warehouse.stats().runningStatements).toBe(1);

    await shutdown();

    // The statement was cancelled on the warehouse, not left running (and billing).
    expect(warehouse.stats().cancelledStatements).toContain(LONG_ON_DATABRICKS);
    await expect.poll(() => warehouse.stats().runningStatements).toBe(0);
    expect(warehouse.stats().openSessions).toBe(0);
    expect(warehouse.stats().openOperations).toBe(0);

    // New work is refused with a message that says why.
    await expect(
      runs.startRun(me, { sql: "SELECT 1", connectionId: "builtin", lane: "c", pageSize: 10 }, rt.engine),
    ).rejects.toThrow(SHUTTING_DOWN);
    // A second call waits for the same shutdown instead of starting another.
    await shutdown();

    // What a restart finds: both runs ended, with the reason.
    const metadata = await openDb({ dir: path.join(dataDir, "metadata") });
    try {
      const catalog = new RunCatalog(metadata.db, rt.store, rt.catalog.instanceId);
      const ended = await catalog.loadMany([onDatabricks.run.id, builtin.run.id]);
      expect(ended.map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
      for (const run of ended) {
        expect(run.message).toBe("Cancelled: the server shut down.");
        expect(run.finishedAt).not.toBeNull();
      }
    } finally {
      await metadata.close();
    }
  });
});
