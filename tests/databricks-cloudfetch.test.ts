import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunView, SortSpec } from "@/lib/results/types";
import { downloadsOnTheirWay, startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { allowLocalWarehouse, prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir();
allowLocalWarehouse();

const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const runs = await import("@/lib/server/runs/runs");
const { saveConnection } = await import("@/lib/server/connections");
const { engineFor } = await import("@/lib/server/connections/engines");
const { warehousePolicy } = await import("@/lib/server/network/warehouse-policy");
const me = await createTestUser();

type Engine = InstanceType<typeof DatabricksEngine>;
let warehouse: TestWarehouse;
/** CloudFetch on (the default), off, and on for a member who is not an admin. */
let engine: Engine;
let inline: Engine;
let member: Engine;

const TRIPS = "SELECT * FROM samples.nyctaxi.trips ORDER BY tpep_pickup_datetime, fare_amount, trip_distance";
/** The tricky values, repeated past the threshold: BIGINT above 2^53, DECIMAL(38,10), µs timestamps, nested. */
const TRICKY =
  "SELECT t.*, c.range AS copy FROM samples.demo.tricky_values t CROSS JOIN range(700) c ORDER BY copy, t.id";

beforeAll(async () => {
  warehouse = await startTestWarehouse({
    tripsRows: 30_000,
    certificateDir: ".lakebook-test-tls",
    cloudFetch: { thresholdRows: 5_000, rowsPerFile: 3_000, linksPerFetch: 3 },
  });
  const options = (more: object) =>
    new DatabricksEngine({
      host: "localhost",
      port: warehouse.port,
      httpPath: warehouse.path,
      auth: { type: "token", token: warehouse.token },
      ...more,
    });
  engine = options({});
  inline = options({ cloudFetch: false });
  member = options({ revealNetwork: false });
});

afterAll(async () => {
  await Promise.all([engine, inline, member].map((e) => e?.close()));
  await warehouse?.close();
});

function start(sql: string, on: Engine) {
  return runs.startRun(me, { sql, connectionId: "test", lane: "db", pageSize: 100 }, on);
}

async function run(sql: string, on: Engine = engine): Promise<RunView> {
  let view = (await start(sql, on)).run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 200);
  return view;
}

const lastResult = () => warehouse.stats().results.at(-1);
const csv = async (view: RunView) => new Response((await runs.csvDownload(me, view.id)).body).text();

async function expectHealthy(): Promise<void> {
  await expect.poll(() => warehouse.stats().openOperations).toBe(0);
  expect((await run("SELECT 1 AS ok")).status).toBe("succeeded");
}

describe("CloudFetch: large results as links into the workspace's storage", () => {
  it("stores, pages, sorts and downloads a result that came by CloudFetch exactly as one that came inline", async () => {
    const fetched = await run(TRIPS);
    expect(fetched.status).toBe("succeeded");
    const record = lastResult();
    expect(record).toMatchObject({ delivery: "cloudfetch", refetches: 0, abortedDownloads: 0 });
    expect(record?.links).toBe(10); // 30 000 rows in files of 3 000
    expect(record?.downloads).toBe(10);

    const direct = await run(TRIPS, inline);
    expect(lastResult()).toMatchObject({ delivery: "inline", links: 0 });
    expect(fetched.rowCount).toBe(30_000);
    expect(direct.rowCount).toBe(30_000);
    for (const offset of [0, 2_999, 3_000, 17_321, 29_990]) {
      const a = await runs.readPage(me, fetched.id, offset, 25, null);
      expect(a.rows).toEqual((await runs.readPage(me, direct.id, offset, 25, null)).rows);
    }
    const sort: SortSpec = { column: 4, direction: "desc" };
    expect((await runs.readPage(me, fetched.id, 100, 50, sort)).rows).toEqual(
      (await runs.readPage(me, direct.id, 100, 50, sort)).rows,
    );
    expect(await csv(fetched)).toBe(await csv(direct));
    await expectHealthy();
  });

  it("keeps BIGINT, DECIMAL(38) and microsecond timestamps exact, LZ4-compressed or not", async () => {
    const direct = await run(TRICKY, inline);
    const plain = await run(TRICKY);
    expect(lastResult()).toMatchObject({ delivery: "cloudfetch" });
    warehouse.cloudFetch.lz4 = "always";
    try {
      const lz4 = await run(TRICKY);
      expect(lastResult()).toMatchObject({ delivery: "cloudfetch" });
      const expected = await csv(direct);
      expect(expected).toContain("9007199254740993");
      expect(expected).toContain("1234567890123456789012345678.0123456789");
      expect(expected).toContain("2024-02-29 23:59:59.999999");
      expect(await csv(plain)).toBe(expected);
      expect(await csv(lz4)).toBe(expected);
    } finally {
      warehouse.cloudFetch.lz4 = "client";
    }
  });

  it("asks for fresh links when one has expired, at the start or in the middle, and the run succeeds", async () => {
    const direct = await run(TRIPS, inline);
    for (const skip of [0, 4]) {
      warehouse.faults.expireLinks(1, skip);
      const view = await run(TRIPS);
      expect(view.status).toBe("succeeded");
      expect(lastResult()?.refetches).toBeGreaterThan(0);
      expect(await csv(view)).toBe(await csv(direct));
    }
    await expectHealthy();
  });

  it("gives up with a clear message when every new link expires too", async () => {
    warehouse.faults.linkLifetimeMs(1);
    try {
      const view = await run(TRIPS);
      expect(view.status).toBe("failed");
      expect(view.error?.message).toMatch(/links \(CloudFetch\) expired again/);
    } finally {
      warehouse.faults.linkLifetimeMs(null);
    }
    await expectHealthy();
  });

  // The engines keep the driver's retry budget for the warehouse (2 minutes, 5 attempts backing off to 10 s),
  // which took ~24 s to fail a run on unreachable storage; downloads have their own few seconds.
  it("says the server needs access to the workspace's storage when it cannot reach it, in seconds, and how to turn CloudFetch off", {
    timeout: 30_000,
  }, async () => {
    warehouse.faults.storageUnreachable(true);
    try {
      const began = Date.now();
      const admin = await run(TRIPS);
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(admin.status).toBe("failed");
      expect(admin.error?.message).toMatch(/^The workspace's result storage could not be reached: ECONNREFUSED/);
      expect(admin.error?.message).toContain("needs network access to the workspace's cloud storage");
      expect(admin.error?.message).toContain("turn CloudFetch off in the connection's settings");
      const shown = (await run(TRIPS, member)).error?.message ?? "";
      expect(shown).toContain("needs network access to the workspace's cloud storage");
      expect(shown).not.toMatch(/ECONN|127\.0\.0\.2/);
      // A link to an address the server may not connect to (a hostile warehouse's, say) is never followed.
      const guarded = new DatabricksEngine({
        host: "localhost",
        port: warehouse.port,
        httpPath: warehouse.path,
        auth: { type: "token", token: warehouse.token },
        policy: warehousePolicy(),
      });
      try {
        const refused = await run(TRIPS, guarded);
        expect(refused.error?.message).toContain("its address is one this server does not connect to");
        expect(refused.error?.message).toContain("LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS");
      } finally {
        await guarded.close();
      }
      // With CloudFetch off the same query needs no storage.
      expect((await run(TRIPS, inline)).status).toBe("succeeded");
    } finally {
      warehouse.faults.storageUnreachable(false);
    }
    await expectHealthy();
  });

  it("is on for a new connection; the connection's setting turns it off, through the pinned agent", async () => {
    const fields = {
      name: "CloudFetch",
      host: "localhost",
      port: warehouse.port,
      httpPath: warehouse.path,
      authType: "token" as const,
      secret: warehouse.token,
      scope: "personal" as const,
    };
    const saved = await saveConnection(me, fields);
    expect(saved.cloudFetch).toBe(true);
    expect((await run(TRIPS, (await engineFor(me, saved.id)) as Engine)).status).toBe("succeeded");
    expect(lastResult()).toMatchObject({ delivery: "cloudfetch", downloads: 10 });
    const off = await saveConnection(me, { ...fields, id: saved.id, secret: undefined, cloudFetch: false });
    expect(off.cloudFetch).toBe(false);
    expect((await run(TRIPS, (await engineFor(me, saved.id)) as Engine)).status).toBe("succeeded");
    expect(lastResult()).toMatchObject({ delivery: "inline", links: 0 });
    // Left out when editing (an older client): unchanged.
    const kept = await saveConnection(me, { ...fields, id: saved.id, secret: undefined, name: "Renamed" });
    expect(kept.cloudFetch).toBe(false);
  });

  it("shows rows arriving from a slow storage, and cancel stops the downloads at once", async () => {
    // Slow enough that a file takes seconds: a cancel finds downloads on their way.
    warehouse.faults.slowStorage(100_000);
    try {
      let view = (await start(TRIPS, engine)).run;
      const seen: number[] = [];
      while (view.status === "running" && seen.filter((n) => n > 0).length < 2) {
        view = await runs.runState(me, view.id, view.rowCount, 200);
        if (view.rowCount > (seen.at(-1) ?? 0)) seen.push(view.rowCount);
      }
      expect(view.status).toBe("running");
      expect(seen.length).toBeGreaterThanOrEqual(2);
      const asked = Date.now();
      const before = lastResult();
      const onTheirWay = downloadsOnTheirWay(before);
      await runs.cancelRun(me, view.id);
      while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 200);
      expect(view.status).toBe("cancelled");
      expect(Date.now() - asked).toBeLessThan(2_000);
      // Nothing is left downloading; what was on its way when the run was cancelled was broken off.
      await expect.poll(() => downloadsOnTheirWay(lastResult())).toBe(0);
      if (onTheirWay > 0) expect(lastResult()?.abortedDownloads).toBeGreaterThan(0);
      // A file whose last bytes were already on the wire may still count; after that, nothing moves.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const downloads = lastResult()?.downloads;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lastResult()?.downloads).toBe(downloads);
    } finally {
      warehouse.faults.slowStorage(0);
    }
    await expectHealthy();
  });
});
