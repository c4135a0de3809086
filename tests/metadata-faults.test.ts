import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

/**
 * The metadata store on the machine's real PostgreSQL, with its connections
 * killed under a running server: the server keeps serving and no run is left
 * "running".
 */
const POSTGRES = process.env.LAKEBOOK_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `lakebook_faults_${randomBytes(4).toString("hex")}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>, db = "postgres"): Promise<T> {
  const url = new URL(POSTGRES);
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

await admin((c) => c.query(`CREATE DATABASE ${database}`));
const url = new URL(POSTGRES);
url.pathname = `/${database}`;
prepareTempDataDir();
process.env.DATABASE_URL = url.toString();
// Servers sharing a PostgreSQL must be given their key.
process.env.LAKEBOOK_SECRET_KEY = randomBytes(32).toString("hex");

const runs = await import("@/lib/server/runs/runs");
const { listHistory } = await import("@/lib/server/runs/history");
const { runtime } = await import("@/lib/server/runtime");
const { RunCatalog } = await import("@/lib/server/runs/catalog");
const { savePendingEnds, pendingRunEnds } = await import("@/lib/server/runs/final-save");
const instances = await import("@/lib/server/runs/instances");
const rt = await runtime();
const me = await createTestUser();

afterAll(async () => {
  rt.heartbeat.stop();
  await rt.closeMetadata();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

/** Ends every connection the server has to its metadata store, as an admin or a failover would. */
function killConnections(): Promise<number> {
  return admin(async (c) => {
    const result = await c.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    return result.rowCount ?? 0;
  });
}

async function start(sql: string, lane = randomUUID()) {
  return runs.startRun(me, { sql, connectionId: "builtin", lane, pageSize: 10 }, rt.engine);
}

async function stored(id: string): Promise<string | undefined> {
  return admin(async (c) => (await c.query("SELECT status FROM runs WHERE id = $1", [id])).rows[0]?.status, database);
}

/** A query that runs for a few seconds on the built-in warehouse. */
const SLOW = "SELECT count(*) AS n FROM range(400000000) t(i) WHERE i % 7 = 3";

describe("PostgreSQL connections killed under the server", () => {
  it("mid-run: the run ends in a clear state and the server keeps serving", async () => {
    await settleRun(runs.runState, me, (await start("SELECT 1")).run.id);
    const { run } = await start(SLOW);
    expect(run.status).toBe("running");
    // The pool holds idle connections from the queries before: each one's death is an 'error' event.
    expect(await killConnections()).toBeGreaterThan(0);
    const final = await settleRun(runs.runState, me, run.id);
    expect(["succeeded", "failed"]).toContain(final.status);
    if (final.status === "failed") expect(final.error?.message).toBeTruthy();
    expect(await stored(run.id)).toBe(final.status);

    // The next run at once, while the pool may still hold the killed idle connections.
    await killConnections();
    const next = await settleRun(runs.runState, me, (await start("SELECT 42 AS answer")).run.id);
    expect(next.status).toBe("succeeded");
    const history = await listHistory(me, {});
    expect(history.entries.map((e) => e.id)).toEqual(expect.arrayContaining([run.id, next.id]));
  });

  it("a statement or transaction handed a connection that was ended while idle runs on another", async () => {
    const { sql } = await import("drizzle-orm");
    for (let round = 0; round < 20; round++) {
      // Fill the pool with idle connections, end them all, and ask at once, before the pool hears of it.
      await Promise.all(Array.from({ length: 6 }, () => rt.db.execute(sql`SELECT pg_sleep(0.01)`)));
      expect(await killConnections()).toBeGreaterThan(0);
      const [[a], b] = await Promise.all([
        rt.db.execute(sql`SELECT ${round}::int AS n`).then((r) => (r as unknown as pg.QueryResult).rows),
        rt.db.transaction(
          async (tx) => ((await tx.execute(sql`SELECT 1 AS one`)) as unknown as pg.QueryResult).rows.length,
        ),
      ]);
      expect(a).toEqual({ n: round });
      expect(b).toBe(1);
    }
    // Drizzle does not give back a connection whose BEGIN failed; after 20 rounds none may be missing from the pool.
    const pool = (rt.db as unknown as { $client: pg.Pool }).$client;
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it("while a run's end is stored: it is stored again, not left running", async () => {
    // The fault: the first two attempts to store a run's end kill their own connection
    // (a sequence counts across the rolled-back transactions).
    await admin(
      (c) =>
        c.query(`
          CREATE SEQUENCE end_faults;
          CREATE FUNCTION kill_end() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.status <> 'running' AND nextval('end_faults') <= 2 THEN
              PERFORM pg_terminate_backend(pg_backend_pid());
            END IF;
            RETURN NEW;
          END $$;
          CREATE TRIGGER kill_end BEFORE INSERT OR UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION kill_end();`),
      database,
    );
    try {
      const final = await settleRun(runs.runState, me, (await start("SELECT 7 AS n")).run.id);
      expect(final.status).toBe("succeeded");
      expect(await stored(final.id)).toBe("succeeded");
      const faults = await admin(async (c) => (await c.query("SELECT last_value FROM end_faults")).rows[0], database);
      expect(Number(faults.last_value)).toBeGreaterThanOrEqual(3);
    } finally {
      await admin(
        (c) => c.query("DROP TRIGGER kill_end ON runs; DROP FUNCTION kill_end; DROP SEQUENCE end_faults"),
        database,
      );
    }
  });

  it("while the store refuses every attempt: the end is kept and stored once the store is back", async () => {
    await admin(
      (c) =>
        c.query(`
          CREATE FUNCTION refuse_end() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.status <> 'running' THEN RAISE EXCEPTION 'the disk is full'; END IF;
            RETURN NEW;
          END $$;
          CREATE TRIGGER refuse_end BEFORE INSERT OR UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION refuse_end();`),
      database,
    );
    let view: RunView;
    try {
      view = await settleRun(runs.runState, me, (await start("SELECT 8 AS n")).run.id);
      // Every attempt in the foreground failed: the end waits for the heartbeat.
      expect(pendingRunEnds()).toBe(1);
      expect(await stored(view.id)).toBe("running");
    } finally {
      await admin((c) => c.query("DROP TRIGGER refuse_end ON runs; DROP FUNCTION refuse_end"), database);
    }
    expect(view.status).toBe("succeeded");
    await savePendingEnds();
    expect(pendingRunEnds()).toBe(0);
    expect(await stored(view.id)).toBe("succeeded");
    expect((await runs.runState(me, view.id, -1, 0)).status).toBe("succeeded");
  });
});

describe("heartbeats of instances sharing the store", () => {
  function runningRecord(id: string) {
    return {
      id,
      owner: me.id,
      connectionId: "builtin",
      queryId: null,
      sql: "SELECT 1",
      status: "running" as const,
      columns: [],
      rowCount: 0,
      truncated: false,
      message: null,
      statementCount: 1,
      error: null,
      startedAt: new Date(),
      finishedAt: null,
      firstPageMs: null,
    };
  }

  it("an instance whose heartbeat stops has its running runs marked failed by another", async () => {
    const a = new RunCatalog(rt.db, rt.store, `instance-a-${randomUUID()}`);
    const b = new RunCatalog(rt.db, rt.store, `instance-b-${randomUUID()}`);
    const runOfA = randomUUID().replaceAll("-", "");
    const runOfB = randomUUID().replaceAll("-", "");
    await instances.registerInstance(rt.db, a.instanceId);
    await instances.registerInstance(rt.db, b.instanceId);
    await a.save(runningRecord(runOfA));
    await b.save(runningRecord(runOfB));
    const fast = { intervalMs: 100, staleAfterMs: 1_000 };
    let beatsOfB = 0;
    const heartOfA = instances.startHeartbeat(rt.db, a.instanceId, async () => {}, fast);
    const heartOfB = instances.startHeartbeat(
      rt.db,
      b.instanceId,
      async () => {
        beatsOfB++;
      },
      fast,
    );
    try {
      // Longer than the stale period, while A still beats: its run stays.
      await expect.poll(() => beatsOfB, { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
      expect(await stored(runOfA)).toBe("running");

      heartOfA.stop();
      await expect.poll(() => stored(runOfA), { timeout: 10_000 }).toBe("failed");
      const [failed] = await a.loadMany([runOfA]);
      expect(failed.error?.message).toBe(instances.SERVER_STOPPED);
      expect(failed.finishedAt).not.toBeNull();
      // B's own run is B's business.
      expect(await stored(runOfB)).toBe("running");
    } finally {
      heartOfA.stop();
      heartOfB.stop();
    }
    // A clean stop ends B's runs at once.
    await instances.retireInstance(rt.db, b.instanceId);
    expect(await stored(runOfB)).toBe("failed");
  });

  it("runs of an instance that never kept a heartbeat are failed once they are older than the stale period", async () => {
    const old = new RunCatalog(rt.db, rt.store, `instance-old-${randomUUID()}`);
    const oldRun = randomUUID().replaceAll("-", "");
    const newRun = randomUUID().replaceAll("-", "");
    await old.save({ ...runningRecord(oldRun), startedAt: new Date(Date.now() - 10 * 60_000) });
    await old.save(runningRecord(newRun));
    const failed = await instances.failRunsOfStoppedInstances(rt.db, rt.catalog.instanceId);
    expect(failed).toContain(oldRun);
    expect(failed).not.toContain(newRun);
    expect(await stored(newRun)).toBe("running");
    await instances.retireInstance(rt.db, old.instanceId);
  });
});
