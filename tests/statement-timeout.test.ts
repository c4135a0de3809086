import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

// A two-second statement timeout, and one statement at a time per member.
prepareTempDataDir();
process.env.LAKEBOOK_STATEMENT_TIMEOUT = "2s";
process.env.LAKEBOOK_MAX_RUNS_PER_USER = "1";
process.env.LAKEBOOK_RESULT_MAX_ROWS = "1000";

const runs = await import("@/lib/server/runs/runs");
const { runSlots } = await import("@/lib/server/runs/slots");
const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const { EngineError } = await import("@/lib/server/engines/types");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();

const TIMED_OUT = "The query ran longer than the server's statement timeout of 2 seconds and was stopped.";
/** Keeps DuckDB busy far longer than the timeout. */
const SLOW = "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range";

type Engine = Parameters<typeof runs.startRun>[2];
type User = Awaited<ReturnType<typeof createTestUser>>;

async function run(user: User, sql: string, engine: Engine = rt.engine, lane = "t", connectionId = "builtin") {
  const started = await runs.startRun(user, { sql, connectionId, lane, pageSize: 100 }, engine);
  return settleRun(runs.runState, user, started.run.id);
}

let warehouse: TestWarehouse;
const databricks = (statementTimeoutSeconds: number) =>
  new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "token", token: warehouse.token },
    startupWaitMs: 5_000,
    statementTimeoutSeconds,
  });

beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
});

afterAll(async () => {
  await warehouse?.close();
});

describe("the statement timeout", () => {
  it("stops a long query on the built-in warehouse with a message that names the limit", async () => {
    const me = await createTestUser();
    const view = await run(me, SLOW);
    expect(view.status).toBe("failed");
    expect(view.error).toEqual({ message: TIMED_OUT });
    // The statement is stopped and the member's slot free: the next query runs.
    expect((await run(me, "SELECT 42 AS after")).status).toBe("succeeded");
    expect(runSlots().inUse()).toBe(0);
  });

  it("counts from when a run starts executing, not while it waits for a slot", async () => {
    const me = await createTestUser();
    // One at a time: the third waits through both timeouts (over 4 s), then runs.
    const starts = [SLOW, SLOW, "SELECT 'quick' AS q"].map((sql, i) =>
      runs.startRun(me, { sql, connectionId: "builtin", lane: `q${i}`, pageSize: 100 }, rt.engine),
    );
    const views = await Promise.all((await Promise.all(starts)).map((s) => settleRun(runs.runState, me, s.run.id)));
    expect(views.map((v) => v.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(views[0].error?.message).toBe(TIMED_OUT);
    // Each of the first two ran for the whole timeout: the third waited twice as long, and still ran.
    expect(views[1].error?.message).toBe(TIMED_OUT);
  });

  it("stops a full download that runs longer than the timeout, and frees its slot", async () => {
    const me = await createTestUser();
    const cut = await run(me, "SELECT range AS n, repeat('x', 100) AS pad FROM range(100000000000)");
    expect(cut.truncated).toBe(true);
    const { body } = await runs.allRowsCsv(me, cut.id, async () => rt.engine);
    const reader = body.getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return "ended";
      })(),
    ).rejects.toThrow();
    expect(runs.fullDownloadsRunning()).toBe(0);
    await expect.poll(() => runSlots().inUse()).toBe(0);
  });

  it("on Databricks, sets the warehouse's own timeout and stops a long query with the same message", async () => {
    const me = await createTestUser();
    const engine = databricks(2);
    try {
      const view = await run(me, SLOW, engine, "db", "test");
      expect(view.status).toBe("failed");
      expect(view.error).toEqual({ message: TIMED_OUT });
      // The session carries STATEMENT_TIMEOUT (SQL warehouses), the statement queryTimeout (clusters).
      expect(warehouse.stats().statementTimeouts.at(-1)).toEqual({ queryTimeout: 2, session: 2 });
      await expect.poll(() => warehouse.stats().runningStatements).toBe(0);
      await expect.poll(() => warehouse.stats().openOperations).toBe(0);
      expect((await run(me, "SELECT 1 AS ok", engine, "db", "test")).status).toBe("succeeded");
    } finally {
      await engine.close();
    }
  });

  it("on Databricks, reports the warehouse's own timeout when it stops a statement first", async () => {
    const me = await createTestUser();
    const engine = databricks(1);
    try {
      // Straight on the engine, without the server's timer: the warehouse ends it at one second.
      const session = await engine.openSession();
      const failure = await (async () => {
        const result = await session.execute(SLOW, new AbortController().signal);
        if (result.kind === "rows") for await (const _ of result.batches);
      })().catch((error: unknown) => error);
      await session.close();
      expect(EngineError.is(failure) && failure.details.timedOut).toBe(true);
      // Through a run, the member reads the server's message, which names the limit.
      const view = await run(me, SLOW, engine, "db", "test");
      expect(view.error).toEqual({ message: TIMED_OUT });
      await expect.poll(() => warehouse.stats().runningStatements).toBe(0);
      await expect.poll(() => warehouse.stats().openOperations).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it("on Databricks, the server's timer still ends a run whose warehouse answers too slowly", async () => {
    const me = await createTestUser();
    const engine = databricks(2);
    try {
      // Every request takes 3 s: the statement itself is quick, but the run outlasts the timeout.
      warehouse.faults.delayMs(3_000);
      const view = await run(me, "SELECT 1 AS slow_answers", engine, "db", "test");
      expect(view.status).toBe("failed");
      expect(view.error).toEqual({ message: TIMED_OUT });
    } finally {
      warehouse.faults.delayMs(0);
    }
    try {
      await expect.poll(() => warehouse.stats().openOperations, { timeout: 30_000 }).toBe(0);
      expect((await run(me, "SELECT 1 AS ok", engine, "db", "test")).status).toBe("succeeded");
    } finally {
      await engine.close();
    }
  });
});
