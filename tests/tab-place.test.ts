import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const runs = await import("@/lib/server/runs/runs");
const tabs = await import("@/lib/server/tabs");
const { runtime } = await import("@/lib/server/runtime");
const { updateTab } = await import("@/lib/server/db/queries/tabs");
type User = Awaited<ReturnType<typeof createTestUser>>;
let me: User;
let other: User;

beforeAll(async () => {
  me = await createTestUser("member", "place-me");
  other = await createTestUser("member", "place-other");
  await (await runtime()).engine.testConnection();
}, 120_000);

async function inTab(user: User, tabId: string, sql: string): Promise<RunView> {
  const { run } = await tabs.runInTab(user, { sql, connectionId: "builtin", lane: tabId, pageSize: 50 });
  return settleRun(runs.runState, user, run.id);
}

const newTab = async (user: User) =>
  (await tabs.openDraftTab(user, { title: "t", sql: "", connectionId: "builtin" })).id;

describe("an editor tab keeps its session's place", () => {
  it("USE in one tab holds for that tab's next runs, and for no other tab or member", async () => {
    const [mine, second, theirs] = [await newTab(me), await newTab(me), await newTab(other)];
    const moved = await inTab(me, mine, "USE samples.nyctaxi");
    expect(moved.status).toBe("succeeded");
    expect(moved.place).toEqual({ catalog: "samples", schema: "nyctaxi" });
    const unqualified = "SELECT count(*) > 0 FROM trips";
    expect((await inTab(me, mine, unqualified)).status).toBe("succeeded");
    expect((await tabs.listTabs(me)).find((t) => t.id === mine)?.place).toEqual({
      connectionId: "builtin",
      catalog: "samples",
      schema: "nyctaxi",
    });
    for (const [user, tab] of [
      [me, second],
      [other, theirs],
    ] as const) {
      const elsewhere = await inTab(user, tab, unqualified);
      expect(elsewhere.status).toBe("failed");
      expect(elsewhere.error?.message).toMatch(/trips/);
    }
    // Back to the default, and the tab follows.
    const back = await inTab(me, mine, `USE workspace."default"`);
    expect(back.place).toEqual({ catalog: "workspace", schema: "default" });
    expect((await inTab(me, mine, unqualified)).status).toBe("failed");
  });

  it("a place the member may not be in is never applied, whatever the stored tab says", async () => {
    const tab = await newTab(me);
    const { db } = await runtime();
    for (const catalog of ["system", "temp", "memory", `workspace" ; DETACH samples; --`]) {
      await updateTab(db, me.id, tab, { place: { connectionId: "builtin", catalog, schema: "main" } });
      const run = await inTab(me, tab, "SELECT current_database() AS db, current_schema() AS s");
      expect(run.status, catalog).toBe("succeeded");
      expect((await runs.readPage(me, run.id, 0, 10, null)).rows, catalog).toEqual([["workspace", "default"]]);
    }
    // A schema since dropped: the run starts in the default instead of failing.
    const schema = `gone_${randomUUID().slice(0, 8)}`;
    expect((await inTab(me, tab, `CREATE SCHEMA workspace.${schema}; USE workspace.${schema}`)).place).toEqual({
      catalog: "workspace",
      schema,
    });
    expect((await inTab(me, tab, `USE workspace."default"; DROP SCHEMA workspace.${schema}`)).status).toBe("succeeded");
    await updateTab(db, me.id, tab, { place: { connectionId: "builtin", catalog: "workspace", schema } });
    const after = await inTab(me, tab, "SELECT current_schema() AS s");
    expect((await runs.readPage(me, after.id, 0, 10, null)).rows).toEqual([["default"]]);
  });
});
