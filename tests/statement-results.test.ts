import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir();

const runs = await import("@/lib/server/runs/runs");
const queries = await import("@/lib/server/queries");
const sharing = await import("@/lib/server/sharing");
const tabs = await import("@/lib/server/tabs");
const { listHistory } = await import("@/lib/server/runs/history");
const { runtime } = await import("@/lib/server/runtime");
const { MAX_LISTED_STATEMENTS } = await import("@/lib/server/runs/statements");
const rt = await runtime();
type User = Awaited<ReturnType<typeof createTestUser>>;
let me: User;
let other: User;

beforeAll(async () => {
  me = await createTestUser("member", "scripts");
  other = await createTestUser("member", "stranger");
}, 120_000);

async function script(sql: string, user = me): Promise<RunView> {
  const { run } = await runs.startRun(
    user,
    { sql, connectionId: "builtin", lane: randomUUID(), pageSize: 100 },
    rt.engine,
  );
  return settleRun(runs.runState, user, run.id);
}

const rowsOf = async (id: string, user = me) => (await runs.readPage(user, id, 0, 100, null)).rows;

describe("a script of several statements", () => {
  it("keeps each statement's result, pages it like any result, and says what the others did", async () => {
    const table = `t_${randomUUID().slice(0, 8)}`;
    const sql = [
      `CREATE TABLE ${table} AS SELECT 1 AS a`,
      `SELECT 'first;' AS x, range AS n FROM range(3)`,
      `INSERT INTO ${table} VALUES (2)`,
      `SELECT a FROM ${table} ORDER BY a`,
    ].join(";\n");
    const run = await script(sql);
    expect(run.status).toBe("succeeded");
    expect(run.statements.map((s) => [s.status, s.line, s.column])).toEqual([
      ["succeeded", 1, 1],
      ["succeeded", 2, 1],
      ["succeeded", 3, 1],
      ["succeeded", 4, 1],
    ]);
    const [create, select, insert, last] = run.statements;
    expect(create).toMatchObject({ resultId: null, message: "CREATE: done." });
    expect(insert).toMatchObject({ resultId: null, message: "INSERT: 1 row affected." });
    // The last statement's rows are the run's own, as for a single statement.
    expect(last.resultId).toBe(run.id);
    expect(await rowsOf(run.id)).toEqual([["1"], ["2"]]);
    // An earlier statement's rows are a result of their own: paged, sorted, downloaded.
    expect(select.resultId).toMatch(/^[0-9a-f]{32}$/);
    expect(select.rowCount).toBe(3);
    const id = select.resultId as string;
    expect(await rowsOf(id)).toEqual([
      ["first;", "0"],
      ["first;", "1"],
      ["first;", "2"],
    ]);
    expect((await runs.readPage(me, id, 0, 2, { column: 1, direction: "desc" })).rows).toEqual([
      ["first;", "2"],
      ["first;", "1"],
    ]);
    const { body } = await runs.csvDownload(me, id);
    expect(await new Response(body).text()).toBe("x,n\r\nfirst;,0\r\nfirst;,1\r\nfirst;,2\r\n");
    // The history lists the script once, not its statements.
    const listed = (await listHistory(me, {})).entries.map((e) => e.id);
    expect(listed).toContain(run.id);
    expect(listed).not.toContain(id);
  });

  it("stops at an error, marks it at its statement, and lists the rest as not run", async () => {
    const run = await script("SELECT 1 AS one;\n  SELECT no_such_column;\nSELECT 3");
    expect(run.status).toBe("failed");
    expect(run.statements.map((s) => s.status)).toEqual(["succeeded", "failed", "skipped"]);
    expect(run.statements[1]).toMatchObject({ line: 2, column: 3 });
    expect(run.error).toMatchObject({ line: 2 });
    expect(await rowsOf(run.statements[0].resultId as string)).toEqual([["1"]]);
  });

  it("a cancel keeps the results before it", async () => {
    const { run } = await runs.startRun(
      me,
      {
        sql: "SELECT 'kept' AS v; SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b; SELECT 3",
        connectionId: "builtin",
        lane: randomUUID(),
        pageSize: 100,
      },
      rt.engine,
    );
    let view = run;
    while (view.statements.length < 2) view = await runs.runState(me, run.id, -1, 200);
    await runs.cancelRun(me, run.id);
    view = await settleRun(runs.runState, me, run.id);
    expect(view.status).toBe("cancelled");
    expect(view.statements.map((s) => s.status)).toEqual(["succeeded", "cancelled", "skipped"]);
    expect(await rowsOf(view.statements[0].resultId as string)).toEqual([["kept"]]);
  });

  it("a statement's result is read by whoever may read the script, and looks missing to anyone else", async () => {
    const marker = `m${randomUUID().slice(0, 8)}`;
    const sql = `SELECT '${marker}' AS early; SELECT 2 AS late`;
    const author = await createTestUser("member", `author-${marker}`);
    const query = await queries.createQuery(author, { title: marker, description: "", sql, connectionId: "builtin" });
    const tab = await tabs.openQueryTab(author, query.id);
    const { run } = await tabs.runInTab(author, {
      sql,
      connectionId: "builtin",
      lane: tab.id,
      pageSize: 50,
      queryId: query.id,
    });
    const ended = await settleRun(runs.runState, author, run.id);
    const early = ended.statements[0].resultId as string;
    await expect(runs.readPage(other, early, 0, 10, null)).rejects.toThrow(NOT_FOUND);
    await expect(runs.csvDownload(other, early)).rejects.toThrow(NOT_FOUND);
    await expect(runs.cancelRun(other, early)).rejects.toThrow(NOT_FOUND);
    const viewer = await createTestUser("member", `viewer-${marker}`);
    await sharing.share(author, "query", query.id, { kind: "user", id: viewer.id }, "view");
    expect(await rowsOf(early, viewer)).toEqual([[marker]]);
    // The saved query's last result is the script, never one of its statements.
    expect((await queries.getQuery(viewer, query.id)).lastRun?.id).toBe(run.id);
  });

  it(`lists at most ${MAX_LISTED_STATEMENTS} statements of a long script, which still runs whole`, async () => {
    const table = `many_${randomUUID().slice(0, 8)}`;
    const inserts = Array.from({ length: MAX_LISTED_STATEMENTS + 200 }, (_, i) => `INSERT INTO ${table} VALUES (${i})`);
    const run = await script(
      [`CREATE TABLE ${table} (n INTEGER)`, ...inserts, `SELECT count(*) FROM ${table}`].join(";\n"),
    );
    expect(run.status).toBe("succeeded");
    expect(run.statementCount).toBe(MAX_LISTED_STATEMENTS + 202);
    expect(run.statements).toHaveLength(MAX_LISTED_STATEMENTS);
    expect(run.statements.at(-1)).toMatchObject({ line: MAX_LISTED_STATEMENTS, column: 1, status: "succeeded" });
    expect(await rowsOf(run.id)).toEqual([[String(MAX_LISTED_STATEMENTS + 200)]]);
  }, 120_000);
});
