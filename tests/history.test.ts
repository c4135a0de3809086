import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { HistoryFilters } from "@/lib/history";
import type { RunStatus, RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const runs = await import("@/lib/server/runs/runs");
const { listHistory, historySql } = await import("@/lib/server/runs/history");
const { saveConnection, removeConnection } = await import("@/lib/server/connections");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();
const me = await createTestUser("member", `history-me-${randomUUID().slice(0, 6)}`);
const other = await createTestUser();
const admin = await createTestUser("admin");
type Viewer = typeof me;

async function run(user: Viewer, sql: string): Promise<RunView> {
  const started = await runs.startRun(user, { sql, connectionId: "builtin", lane: "h", pageSize: 100 }, rt.engine);
  let view = started.run;
  while (view.status === "running") view = await runs.runState(user, view.id, view.rowCount, 1000);
  return view;
}

/** A run record as the run lifecycle writes it, with a chosen time and connection. */
async function recorded(
  user: Viewer,
  fields: { sql: string; connectionId: string; startedAt: string; status?: RunStatus; queryId?: string },
) {
  const id = randomUUID().replaceAll("-", "");
  const startedAt = new Date(fields.startedAt);
  await rt.catalog.save({
    id,
    owner: user.id,
    connectionId: fields.connectionId,
    queryId: fields.queryId ?? null,
    sql: fields.sql,
    status: fields.status ?? "succeeded",
    columns: [{ name: "x", type: "INTEGER" }],
    rowCount: 7,
    truncated: false,
    message: null,
    statementCount: 1,
    error: null,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 1500),
    firstPageMs: 10,
  });
  return id;
}

const history = (user: Viewer, filters: HistoryFilters = {}) => listHistory(user, filters);
const ids = async (user: Viewer, filters: HistoryFilters = {}) =>
  (await history(user, filters)).entries.map((e) => e.id);

let succeeded: RunView;
let failed: RunView;
let cancelled: RunView;
let others: RunView;
let databricksId: string;

beforeAll(async () => {
  succeeded = await run(me, "SELECT range AS n FROM range(3)");
  failed = await run(me, "SELECT 1;\nSELECT nope FROM range(3)");
  const long = await runs.startRun(
    me,
    {
      sql: "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range",
      lane: "c",
      connectionId: "builtin",
      pageSize: 100,
    },
    rt.engine,
  );
  cancelled = await runs.cancelRun(me, long.run.id);
  others = await run(other, "SELECT 'someone else' AS who");
  databricksId = (
    await saveConnection(admin, {
      name: "Sales warehouse",
      host: "adb-1.azuredatabricks.net",
      port: 443,
      httpPath: "/sql/1.0/warehouses/abc",
      authType: "token",
      secret: "dapi-not-a-real-token",
      scope: "shared",
    })
  ).id;
}, 120_000);

describe("query history", () => {
  it("lists every run, newest first, with status, rows, error, duration and connection", async () => {
    const page = await history(me);
    expect(page.entries.map((e) => e.id)).toEqual([cancelled.id, failed.id, succeeded.id]);
    const [c, f, s] = page.entries;
    expect(s).toMatchObject({
      status: "succeeded",
      rowCount: 3,
      hasResult: true,
      error: null,
      sql: "SELECT range AS n FROM range(3)",
    });
    expect(s.connectionName).toBe("Built-in warehouse (DuckDB)");
    expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(f.status).toBe("failed");
    expect(f.error?.message).toMatch(/Referenced column "nope" not found/);
    expect(f.error?.line).toBe(2);
    expect(c.status).toBe("cancelled");
    expect(c.sql).toContain("range(100000000000)");
    expect(page.older).toBeNull();
    expect(page.newer).toBeNull();
  });

  it("filters by status, connection and text", async () => {
    expect(await ids(me, { status: "failed" })).toEqual([failed.id]);
    expect(await ids(me, { status: "cancelled" })).toEqual([cancelled.id]);
    expect(await ids(me, { q: "NOPE" })).toEqual([failed.id]);
    expect(await ids(me, { status: "succeeded", q: "nope" })).toEqual([]);
    const onDatabricks = await recorded(me, {
      sql: "SELECT 1",
      connectionId: databricksId,
      startedAt: "2026-01-01T12:00:00Z",
    });
    expect(await ids(me, { connection: databricksId })).toEqual([onDatabricks]);
    expect((await history(me, { connection: databricksId })).entries[0].connectionName).toBe("Sales warehouse");
    expect(await ids(me, { connection: "builtin", status: "succeeded" })).toEqual([succeeded.id]);
  });

  it("matches % and _ in the text filter literally", async () => {
    const percent = await recorded(me, {
      sql: "SELECT '100%' AS pct",
      connectionId: "builtin",
      startedAt: "2025-06-01T00:00:00Z",
    });
    const underscore = await recorded(me, {
      sql: "SELECT a_b FROM t",
      connectionId: "builtin",
      startedAt: "2025-06-01T00:00:01Z",
    });
    expect(await ids(me, { q: "0%" })).toEqual([percent]);
    expect(await ids(me, { q: "a_b" })).toEqual([underscore]);
    expect(await ids(me, { q: "%" })).toEqual([cancelled.id, percent]); // "a.range % 7" and "100%"
    expect(await ids(me, { q: "%'" })).toEqual([percent]);
  });

  it("filters by days, in the viewer's time zone", async () => {
    const noonUtc = await recorded(me, {
      sql: "SELECT 'noon'",
      connectionId: "builtin",
      startedAt: "2026-02-10T12:00:00Z",
    });
    const earlyUtc = await recorded(me, {
      sql: "SELECT 'early'",
      connectionId: "builtin",
      startedAt: "2026-02-10T02:00:00Z",
    });
    expect(await ids(me, { from: "2026-02-10", to: "2026-02-10" })).toEqual([noonUtc, earlyUtc]);
    expect(await ids(me, { from: "2026-02-11", to: "2026-02-11" })).toEqual([]);
    // 02:00 UTC is still 9 February in New York.
    expect(await ids(me, { from: "2026-02-10", to: "2026-02-10", tz: "America/New_York" })).toEqual([noonUtc]);
    expect(await ids(me, { from: "2026-02-09", to: "2026-02-09", tz: "America/New_York" })).toEqual([earlyUtc]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(me, { from: today, status: "failed" })).toEqual([failed.id]);
  });

  it("shows a member only their own runs, whatever they ask for", async () => {
    expect(await ids(me)).not.toContain(others.id);
    expect(await ids(me, { user: other.id })).not.toContain(others.id);
    expect(await ids(me, { user: other.id, q: "someone else" })).toEqual([]);
    expect(await ids(other)).toEqual([others.id]);
    await expect(historySql(me, others.id)).rejects.toThrow(NOT_FOUND);
    await expect(historySql(me, "0".repeat(32))).rejects.toThrow(NOT_FOUND);
  });

  it("shows an admin everyone's runs, with who ran them, and one user's on request", async () => {
    const all = await history(admin, { q: "someone else" });
    expect(all.entries.map((e) => [e.id, e.userName])).toEqual([[others.id, other.name]]);
    const everyone = await ids(admin);
    expect(everyone).toEqual(expect.arrayContaining([succeeded.id, failed.id, cancelled.id, others.id]));
    expect(await ids(admin, { user: other.id })).toEqual([others.id]);
    expect(await historySql(admin, others.id)).toBe("SELECT 'someone else' AS who");
  });

  it("names a connection that is gone, and no longer offers it to run on", async () => {
    const temporary = await saveConnection(me, {
      name: "Short-lived",
      host: "adb-2.azuredatabricks.net",
      port: 443,
      httpPath: "/sql/1.0/warehouses/def",
      authType: "token",
      secret: "dapi-another-fake",
      scope: "personal",
    });
    const id = await recorded(me, {
      sql: "SELECT 'gone'",
      connectionId: temporary.id,
      startedAt: "2024-01-01T00:00:00Z",
    });
    await removeConnection(me, temporary.id);
    const [entry] = (await history(me, { q: "'gone'" })).entries;
    expect(entry).toMatchObject({ id, connectionName: "(removed connection)", connectionUsable: false });
  });

  it("pages 50 entries at a time, back and forth", async () => {
    const pager = await createTestUser();
    const made: string[] = [];
    for (let i = 0; i < 120; i++) {
      const second = String(i % 60).padStart(2, "0");
      const minute = String(Math.floor(i / 60)).padStart(2, "0");
      made.push(
        await recorded(pager, {
          sql: `SELECT ${i}`,
          connectionId: "builtin",
          startedAt: `2026-03-01T10:${minute}:${second}Z`,
        }),
      );
    }
    const newestFirst = made.reverse();
    const first = await history(pager);
    expect(first.entries.map((e) => e.id)).toEqual(newestFirst.slice(0, 50));
    expect(first.newer).toBeNull();
    const second = await history(pager, { before: first.older ?? "" });
    expect(second.entries.map((e) => e.id)).toEqual(newestFirst.slice(50, 100));
    const third = await history(pager, { before: second.older ?? "" });
    expect(third.entries.map((e) => e.id)).toEqual(newestFirst.slice(100));
    expect(third.older).toBeNull();
    const back = await history(pager, { after: third.newer ?? "" });
    expect(back.entries.map((e) => e.id)).toEqual(newestFirst.slice(50, 100));
    const front = await history(pager, { after: back.newer ?? "" });
    expect(front.entries.map((e) => e.id)).toEqual(newestFirst.slice(0, 50));
    expect(front.newer).toBeNull();
  });

  it("links a run of a saved query to the query", async () => {
    const { insertQuery } = await import("@/lib/server/db/queries/saved-queries");
    const query = await insertQuery(rt.db, me.id, {
      title: "Saved",
      description: "",
      sql: "SELECT 'saved'",
      connectionId: "builtin",
    });
    const id = await recorded(me, {
      sql: "SELECT 'saved'",
      connectionId: "builtin",
      startedAt: "2022-05-05T00:00:00Z",
      queryId: query.id,
    });
    const [entry] = (await history(me, { q: "'saved'" })).entries;
    expect(entry).toMatchObject({ id, queryId: query.id });
  });

  it("sends the start of a very long statement with the list, and all of it on request", async () => {
    const long = `SELECT 1 AS one -- ${"x".repeat(10_000)}`;
    const id = await recorded(me, { sql: long, connectionId: "builtin", startedAt: "2023-01-01T00:00:00Z" });
    const [entry] = (await history(me, { to: "2023-01-01" })).entries;
    expect(entry.id).toBe(id);
    expect(entry.sql.length).toBe(4000);
    expect(entry.sqlLength).toBe(long.length);
    expect(await historySql(me, id)).toBe(long);
  });

  it("lists the parameter values a run was bound with, and a tab reopened from it keeps them", async () => {
    const parameters = [
      { name: "who", type: "text" as const, value: "O'Brien" },
      { name: "ids", type: "multi" as const, value: ["1", "3"], choices: ["1", "2", "3"] },
    ];
    const started = await runs.startRun(
      me,
      {
        sql: "SELECT :who AS who, 42 AS history_params WHERE 1 IN (:ids)",
        connectionId: "builtin",
        lane: "h",
        pageSize: 10,
        parameters,
      },
      rt.engine,
    );
    let view = started.run;
    while (view.status === "running") view = await runs.runState(me, view.id, view.rowCount, 1000);
    expect(view.status).toBe("succeeded");
    const entry = (await history(me, { q: "history_params" })).entries[0];
    expect(entry.id).toBe(view.id);
    expect(entry.parameters).toEqual(parameters);
    const { openDraftTab } = await import("@/lib/server/tabs");
    const tab = await openDraftTab(me, { title: "again", sql: "SELECT :who", connectionId: "builtin", parameters });
    expect(tab.parameters).toEqual(parameters);
  });
});
