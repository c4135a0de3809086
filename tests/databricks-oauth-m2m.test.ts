import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir();

/**
 * A service principal's connection (OAuth machine-to-machine) through
 * Lakebook's engine: Lakebook asks the workspace's OAuth server for tokens
 * (client credentials) and the warehouse sees them on every statement.
 */
const { DatabricksEngine } = await import("@/lib/server/engines/databricks/engine");
const runs = await import("@/lib/server/runs/runs");
const me = await createTestUser();

let warehouse: TestWarehouse;

beforeAll(async () => {
  warehouse = await startTestWarehouse({ certificateDir: ".lakebook-test-tls" });
});

afterAll(async () => {
  await warehouse?.close();
});

function engineWith(clientSecret: string) {
  return new DatabricksEngine({
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    auth: { type: "oauth-m2m", clientId: warehouse.oauth.clientId, clientSecret },
    startupWaitMs: 2_000,
  });
}

async function run(engine: InstanceType<typeof DatabricksEngine>, sql: string): Promise<RunView> {
  const started = await runs.startRun(me, { sql, connectionId: "m2m", lane: "m2m", pageSize: 10 }, engine);
  let view = started.run;
  while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 200);
  return view;
}

describe("OAuth machine-to-machine connections", () => {
  it("run statements with the service principal's token, renewed before it expires", async () => {
    const engine = engineWith(warehouse.oauth.clientSecret);
    try {
      const issued = warehouse.oauth.tokensIssued();
      const first = await run(engine, "SELECT 41 + 1 AS answer");
      expect([first.status, first.error?.message]).toEqual(["succeeded", undefined]);
      expect((await runs.readPage(me, first.id, 0, 10, null)).rows).toEqual([["42"]]);
      expect(warehouse.stats().statementCallers.at(-1)).toMatchObject({
        statement: "SELECT 41 + 1 AS answer",
        credential: "oauth",
      });
      // One token serves many statements while it is fresh.
      expect((await run(engine, "SELECT 2")).status).toBe("succeeded");
      expect(warehouse.oauth.tokensIssued()).toBe(issued + 1);

      // Tokens are renewed 5 minutes before they expire (as the driver asks): one of 302 s is due after 2 s.
      warehouse.oauth.setTokenSeconds(302);
      await engine.close();
      const renewing = engineWith(warehouse.oauth.clientSecret);
      const third = await run(renewing, "SELECT 3");
      expect([third.status, third.error?.message]).toEqual(["succeeded", undefined]);
      const after = warehouse.oauth.tokensIssued();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await run(renewing, "SELECT 4")).status).toBe("succeeded");
      expect(warehouse.oauth.tokensIssued()).toBeGreaterThan(after);
      await renewing.close();
    } finally {
      warehouse.oauth.setTokenSeconds(3600);
      await engine.close();
    }
  });

  it("says clearly when the workspace refuses the client ID or secret, and the test button says the same", async () => {
    const engine = engineWith("not-the-secret");
    try {
      const view = await run(engine, "SELECT 1");
      expect(view.status).toBe("failed");
      expect(view.error?.message).toMatch(/refused the OAuth client ID or secret \(invalid_client\)/);
      const check = await engine.testConnection();
      expect(JSON.stringify(check)).toMatch(/invalid_client/);
      expect(JSON.stringify(check)).not.toContain("not-the-secret");
    } finally {
      await engine.close();
    }
  });
});
