import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChartSpec } from "@/lib/notebooks/types";
import { createQueryInput, draftInput, openTabInput, saveQueryInput } from "@/lib/schemas/queries";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

/**
 * An editor tab's chart: part of its draft, saved with the query and each of
 * its versions, drawn from the query's last result for whoever may view it.
 */
prepareTempDataDir(1_000);

const runs = await import("@/lib/server/runs/runs");
const queries = await import("@/lib/server/queries");
const sharing = await import("@/lib/server/sharing");
const tabs = await import("@/lib/server/tabs");
const { runtime } = await import("@/lib/server/runtime");

const SQL = "SELECT payment_type, count(*) AS trips FROM samples.nyctaxi.trips GROUP BY 1 ORDER BY 1";
const BAR: ChartSpec = { kind: "bar", x: "payment_type", y: ["trips"], group: null, aggregate: "sum" };
const PIE: ChartSpec = { kind: "pie", x: "payment_type", y: ["trips"], group: null, aggregate: "none" };
const fields = (more: object = {}) => ({
  title: "Trips by payment",
  description: "",
  sql: SQL,
  connectionId: "builtin",
  ...more,
});
const user = (role: string) => createTestUser("member", `${role}-${randomUUID().slice(0, 6)}`);

beforeAll(async () => {
  await (await runtime()).engine.testConnection();
}, 120_000);

function saved(result: Awaited<ReturnType<typeof queries.saveQuery>>) {
  if (!("saved" in result)) throw new Error("the save met a conflict");
  return result.saved;
}

describe("a query's chart", () => {
  it("is saved with the query and each version; a save without it keeps it, null removes it", async () => {
    const owner = await user("owner");
    const created = await queries.createQuery(owner, fields({ chart: BAR }));
    expect(created.chart).toEqual(BAR);
    const v2 = saved(await queries.saveQuery(owner, created.id, 1, fields({ chart: PIE })));
    expect(v2.chart).toEqual(PIE);
    const v3 = saved(await queries.saveQuery(owner, created.id, 2, fields({ description: "kept" })));
    expect(v3.chart).toEqual(PIE);
    const v4 = saved(await queries.saveQuery(owner, created.id, 3, fields({ chart: null })));
    expect(v4.chart).toBeNull();
    const versions = await Promise.all([1, 2, 3, 4].map((v) => queries.queryVersion(owner, created.id, v)));
    expect(versions.map((v) => v.chart)).toEqual([BAR, PIE, PIE, null]);
  });

  it("is part of the tab's draft, and differs from the saved one until saved", async () => {
    const owner = await user("owner");
    const query = await queries.createQuery(owner, fields({ chart: BAR }));
    const tab = await tabs.openQueryTab(owner, query.id);
    expect(tab.chart).toEqual(BAR);
    expect(tab.query?.savedChart).toEqual(BAR);

    const draft = { tabId: tab.id, sql: SQL, connectionId: "builtin" };
    expect(await tabs.saveDraft(owner, { ...draft, revision: tab.revision + 1, chart: PIE })).toEqual({
      revision: tab.revision + 1,
      stale: false,
    });
    // A draft save without a chart (an older client) keeps the tab's.
    await tabs.saveDraft(owner, { ...draft, sql: `${SQL} -- edited`, revision: tab.revision + 2 });
    let [reopened] = (await tabs.listTabs(owner)).filter((t) => t.id === tab.id);
    expect(reopened.chart).toEqual(PIE);
    expect(reopened.query?.savedChart).toEqual(BAR);
    // A late save with another chart is stale; the same one again is not.
    expect((await tabs.saveDraft(owner, { ...draft, revision: tab.revision + 1, chart: BAR })).stale).toBe(true);
    expect(
      (await tabs.saveDraft(owner, { ...draft, sql: `${SQL} -- edited`, revision: tab.revision + 2, chart: PIE }))
        .stale,
    ).toBe(false);

    saved(await queries.saveQuery(owner, query.id, 1, fields({ chart: reopened.chart })));
    await tabs.linkTab(owner, tab.id, query.id, 2, query.title);
    [reopened] = (await tabs.listTabs(owner)).filter((t) => t.id === tab.id);
    expect(reopened.query?.savedChart).toEqual(PIE);
  });

  it("a copy of a tab, and a query made from a notebook cell, take the chart along", async () => {
    const owner = await user("owner");
    const copy = await tabs.openDraftTab(owner, { title: "copy", sql: SQL, connectionId: "builtin", chart: PIE });
    expect(copy.chart).toEqual(PIE);
    const notebooks = await import("@/lib/server/notebooks");
    const notebook = await notebooks.createNotebook(owner, {
      title: "With a chart",
      connectionId: "builtin",
      cells: [{ id: randomUUID(), kind: "sql", source: SQL, connectionId: null, chart: BAR }],
    });
    const query = await notebooks.cellToQuery(owner, notebook.id, notebook.cells[0].id, { title: "From the cell" });
    expect(query.chart).toEqual(BAR);
  });
});

describe("who sees the chart", () => {
  it("a teammate with Can view opens the query with its chart over the last result; nobody else reads it", async () => {
    const [owner, viewer, stranger] = await Promise.all([user("owner"), user("viewer"), user("stranger")]);
    const query = await queries.createQuery(owner, fields({ chart: BAR }));
    const ownerTab = await tabs.openQueryTab(owner, query.id);
    const { run } = await tabs.runInTab(owner, {
      sql: SQL,
      connectionId: "builtin",
      lane: ownerTab.id,
      pageSize: 50,
      queryId: query.id,
    });
    expect((await settleRun(runs.runState, owner, run.id)).status).toBe("succeeded");

    await expect(queries.getQuery(viewer, query.id)).rejects.toThrow();
    await sharing.share(owner, "query", query.id, { kind: "user", id: viewer.id }, "view");
    const tab = await tabs.openQueryTab(viewer, query.id);
    expect(tab.chart).toEqual(BAR);
    expect(tab.query).toMatchObject({ level: "view", lastRunId: run.id, savedChart: BAR });
    const chart = await runs.readChart(viewer, run.id, BAR);
    expect(chart.points.map((p) => p.x)).toEqual(["Credit card", "Cash", "No charge", "Dispute"]);
    const total = chart.points.reduce((n, p) => n + (p.y[0] ?? 0), 0);
    expect(total).toBe(1_000);

    // Viewing is not editing: the server refuses the viewer's save of another chart.
    await expect(queries.saveQuery(viewer, query.id, 1, fields({ chart: PIE }))).rejects.toThrow();
    expect((await queries.getQuery(owner, query.id)).chart).toEqual(BAR);
    // Someone the query is not shared with cannot read its result's chart (it does not exist for them).
    await expect(runs.readChart(stranger, run.id, BAR)).rejects.toThrow(/not found/i);
    await expect(runs.readChart(stranger, "0".repeat(32), BAR)).rejects.toThrow(/not found/i);
  });

  it("a spec for another result is reported, not drawn; hostile column names are only names", async () => {
    const owner = await user("owner");
    const { run } = await runs.startRun(
      owner,
      {
        sql: `SELECT 'a' AS "it's 50% _\\ ""x""", 1 AS "c0; DROP TABLE t"`,
        connectionId: "builtin",
        lane: randomUUID(),
        pageSize: 50,
      },
      (await runtime()).engine,
    );
    await settleRun(runs.runState, owner, run.id);
    const hostile: ChartSpec = {
      kind: "bar",
      x: `it's 50% _\\ "x"`,
      y: ["c0; DROP TABLE t"],
      group: null,
      aggregate: "sum",
    };
    expect((await runs.readChart(owner, run.id, hostile)).points).toEqual([{ x: "a", y: [1] }]);
    // The stored table's own column names (c0…) are not the result's.
    await expect(runs.readChart(owner, run.id, { ...hostile, x: "c0" })).rejects.toThrow(/not in this result/);
    await expect(runs.readChart(owner, run.id, BAR)).rejects.toThrow(/"payment_type" is not in this result/);
    await expect(runs.readChart(owner, run.id, { ...hostile, y: [hostile.x] })).rejects.toThrow(/not a number/);
  });
});

describe("every write checks the spec", () => {
  const forged: unknown[] = [
    { ...BAR, kind: "donut" },
    { ...BAR, aggregate: "median" },
    { ...BAR, x: 3 },
    { ...BAR, y: "trips" },
    { ...BAR, y: Array.from({ length: 21 }, (_, i) => `c${i}`) },
    { ...BAR, x: "x".repeat(1001) },
    { ...BAR, y: ["y".repeat(1024 * 1024)] },
    { ...BAR, group: ["a"] },
    { kind: "bar" },
    "bar",
    [BAR],
  ];
  const writes = {
    draft: (chart: unknown) =>
      draftInput.safeParse({ tabId: "t", sql: SQL, connectionId: "builtin", revision: 2, chart }),
    create: (chart: unknown) => createQueryInput.safeParse({ ...fields(), chart }),
    save: (chart: unknown) => saveQueryInput.safeParse({ ...fields(), id: "q", baseVersion: 1, chart }),
    open: (chart: unknown) => openTabInput.safeParse({ title: "t", sql: SQL, connectionId: "builtin", chart }),
  };

  it.each(Object.keys(writes) as (keyof typeof writes)[])(
    "%s refuses a forged chart and keeps only its fields",
    (w) => {
      for (const chart of forged) expect(writes[w](chart).success, JSON.stringify(chart).slice(0, 80)).toBe(false);
      expect(writes[w](null).success).toBe(true);
      const parsed = writes[w]({ ...BAR, sql: "DROP TABLE x", __proto__: { admin: true } });
      expect(parsed.success && (parsed.data as { chart?: unknown }).chart).toEqual(BAR);
    },
  );
});
