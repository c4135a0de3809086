import { randomUUID } from "node:crypto";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

const dataDir = prepareTempDataDir(1_000);
// 8 MB: 7 MB for results, 1 MB for download files; 3 MB of results per member.
process.env.LAKEBOOK_RESULTS_BUDGET = "8MB";
process.env.LAKEBOOK_RESULTS_BUDGET_PER_USER = "3MB";

const runs = await import("@/lib/server/runs/runs");
const notebooks = await import("@/lib/server/notebooks");
const tabs = await import("@/lib/server/tabs");
const { runtime } = await import("@/lib/server/runtime");
const { directoryBytes } = await import("@/lib/server/runs/budget");
const { TABLE_BYTES } = await import("@/lib/server/runs/chunk-bytes");

type User = Awaited<ReturnType<typeof createTestUser>>;
const rt = await runtime();
const { store } = rt;
const limits = store.budget.limits;

/** 32-character hex strings: DuckDB stores them at about half of their 37 counted bytes, the least it compresses text. */
const hashes = (rows: number, seed = 0) => `SELECT md5((i + ${seed})::VARCHAR) AS h FROM range(${rows}) t(i)`;
/** Rows of a result of about 0.93 MB by the budget's measure (18,000 x 37 bytes and the table's block): three fit a member's 3 MB. */
const ROWS = 18_000;
const ONE_MB = hashes(ROWS);

async function run(user: User, sql: string, lane = randomUUID()): Promise<RunView> {
  const { run: started } = await runs.startRun(user, { sql, connectionId: "builtin", lane, pageSize: 10 }, rt.engine);
  return settleRun(runs.runState, user, started.id);
}

async function view(user: User, id: string): Promise<RunView> {
  return runs.runState(user, id, -1, 0);
}

async function refusal(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (error: Error) => error.message,
  );
}

/** What the results directory takes on disk once dropped blocks are free again: the file, its WAL, temp files. */
async function diskBytes(): Promise<number> {
  await store.reclaimed();
  return directoryBytes(path.join(dataDir, "results"));
}

/**
 * The slack the disk may pass the budget by: the results file's header and
 * metadata blocks and DuckDB's WAL before its next checkpoint (both a few
 * blocks), documented in ARCHITECTURE.md.
 */
const SLACK = 4 * TABLE_BYTES;

beforeAll(async () => {
  await run(await createTestUser(), "SELECT 1");
}, 120_000);

// Each test starts from an empty store, so that what it stores decides what is removed.
beforeEach(async () => {
  for (const held of store.budget.removable(null)) await store.drop(held.key);
});

describe("the result store's storage budget", () => {
  it("removes the least recently used results first, and keeps the disk under the budget", async () => {
    const members = [await createTestUser(), await createTestUser(), await createTestUser(), await createTestUser()];
    const done: { user: User; id: string }[] = [];
    let peak = 0;
    for (let i = 0; i < 12; i++) {
      const user = members[i % members.length];
      const result = await run(user, hashes(ROWS, i));
      expect(result).toMatchObject({ status: "succeeded", rowCount: ROWS, truncated: false });
      done.push({ user, id: result.id });
      expect(store.budget.usage().results).toBeLessThanOrEqual(limits.results);
      peak = Math.max(peak, await diskBytes());
    }
    const removed = [];
    for (const { user, id } of done) removed.push((await view(user, id)).resultRemoved);
    // Seven results of 0.93 MB fit in 7 MB: the oldest made room, in order.
    const kept = removed.filter((r) => r === null).length;
    expect(kept).toBeGreaterThanOrEqual(5);
    expect(removed).toEqual([...Array(12 - kept).fill("space"), ...Array(kept).fill(null)]);
    expect(peak).toBeLessThanOrEqual(limits.results + limits.files + SLACK);

    const first = done[0];
    expect(await refusal(runs.readPage(first.user, first.id, 0, 10, null))).toMatch(/removed to free space/);
    const last = done.at(-1) as { user: User; id: string };
    expect((await runs.readPage(last.user, last.id, ROWS - 10, 10, null)).rows).toHaveLength(10);
  });

  it("keeps a result that is read over one that is not: least recently used, not oldest", async () => {
    const user = await createTestUser();
    const older = await run(user, hashes(ROWS, 1));
    const newer = await run(user, hashes(ROWS, 2));
    await runs.readPage(user, older.id, 0, 10, null);
    await run(user, hashes(ROWS, 3));
    await run(user, hashes(ROWS, 4));
    expect((await view(user, newer.id)).resultRemoved).toBe("space");
    expect((await view(user, older.id)).resultRemoved).toBeNull();
  });

  it("keeps the last result of an open editor tab over results only in the history", async () => {
    const user = await createTestUser();
    const tab = await tabs.openDraftTab(user, { title: "Kept", sql: ONE_MB, connectionId: "builtin" });
    const started = await tabs.runInTab(user, { sql: ONE_MB, connectionId: "builtin", lane: tab.id, pageSize: 10 });
    const tabRun = await settleRun(runs.runState, user, started.run.id);
    const history = [];
    for (let i = 0; i < 4; i++) history.push(await run(user, hashes(ROWS, 30 + i)));
    expect((await view(user, tabRun.id)).resultRemoved).toBeNull();
    expect((await view(user, history[0].id)).resultRemoved).toBe("space");
    expect((await view(user, history[1].id)).resultRemoved).toBe("space");
  });

  it("keeps every statement's result of a tab's script as long as the tab's own", async () => {
    const user = await createTestUser();
    const script = `${hashes(ROWS, 40)};\n${hashes(ROWS, 41)}`;
    const tab = await tabs.openDraftTab(user, { title: "Script", sql: script, connectionId: "builtin" });
    const started = await tabs.runInTab(user, { sql: script, connectionId: "builtin", lane: tab.id, pageSize: 10 });
    const tabRun = await settleRun(runs.runState, user, started.run.id);
    const early = tabRun.statements[0].resultId as string;
    const history = [];
    for (let i = 0; i < 3; i++) history.push(await run(user, hashes(ROWS, 50 + i)));
    expect((await view(user, early)).resultRemoved).toBeNull();
    expect((await view(user, tabRun.id)).resultRemoved).toBeNull();
    expect((await view(user, history[0].id)).resultRemoved).toBe("space");
  });

  it("stops a result larger than the member's budget with 'truncated: storage budget', keeping what fit", async () => {
    const user = await createTestUser();
    const big = await run(user, hashes(200_000));
    expect(big).toMatchObject({ status: "succeeded", truncated: true, truncatedBy: "budget", resultRemoved: null });
    // 3 MB, less the table's block, at 37 bytes a row.
    expect(big.rowCount).toBeGreaterThan(70_000);
    expect(big.rowCount).toBeLessThanOrEqual(Math.floor((limits.perMember - TABLE_BYTES) / 37));
    const page = await runs.readPage(user, big.id, big.rowCount - 5, 10, null);
    expect(page.rows).toHaveLength(5);
    // The cap on one result is another notice.
    expect((await run(user, "SELECT 1 AS one")).truncatedBy).toBeNull();
  });

  it("has one member's results make room among their own, never another member's", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    const bs = [await run(b, ONE_MB), await run(b, hashes(ROWS, 1))];
    const as = [];
    for (let i = 0; i < 6; i++) as.push(await run(a, hashes(ROWS, 10 + i)));
    for (const r of bs) expect((await view(b, r.id)).resultRemoved).toBeNull();
    const removed = await Promise.all(as.map(async (r) => (await view(a, r.id)).resultRemoved));
    expect(removed.slice(0, 3)).toEqual(["space", "space", "space"]);
    expect(removed.slice(3)).toEqual([null, null, null]);
    expect(store.budget.usage(a.id).member).toBeLessThanOrEqual(limits.perMember);
    // A result too big for A's budget cuts itself short; B's results stay.
    expect((await run(a, hashes(200_000))).truncatedBy).toBe("budget");
    for (const r of bs) expect((await view(b, r.id)).resultRemoved).toBeNull();
  });

  it("counts sort indexes: the sort's table is charged to the result it sorts", async () => {
    const user = await createTestUser();
    const result = await run(user, hashes(50_000));
    const before = store.budget.usage(user.id).member;
    const page = await runs.readPage(user, result.id, 0, 5, { column: 0, direction: "desc" });
    expect(page.rows[0][0]).toMatch(/^f/);
    expect(store.budget.usage(user.id).member).toBe(before + TABLE_BYTES + 50_000 * 9);
    // The same sort again builds nothing and charges nothing.
    await runs.readPage(user, result.id, 5, 5, { column: 0, direction: "desc" });
    expect(store.budget.usage(user.id).member).toBe(before + TABLE_BYTES + 50_000 * 9);
    await store.drop(result.id);
    expect(store.budget.usage(user.id).member).toBe(0);
  });

  it("frees what a removed result held, and reuses its blocks instead of growing the file", async () => {
    const user = await createTestUser();
    const sizes = [];
    // More than a row group each, so DuckDB writes them straight to blocks (little WAL, no checkpoint of its own):
    // random 64-bit integers, which it cannot compress (130,000 x 9 bytes: two fit a member's 3 MB).
    for (let i = 0; i < 20; i++) {
      const result = await run(user, "SELECT (random() * 9e18)::BIGINT AS n FROM range(130000)");
      expect(result.truncated).toBe(false);
      sizes.push(await diskBytes());
    }
    expect(store.budget.usage(user.id).member).toBeLessThanOrEqual(limits.perMember);
    // Twenty results went through a budget of two: the file holds them and at most about one
    // result's worth of free blocks that DuckDB reuses next (without the CHECKPOINT after a
    // removal it reached 8.8 MB here, and grows with every result where DuckDB checkpoints less).
    const result = 130_000 * 9 + TABLE_BYTES;
    expect(Math.max(...sizes)).toBeLessThanOrEqual(limits.perMember + result + SLACK);
    expect(Math.max(...sizes.slice(10))).toBeLessThanOrEqual(Math.max(...sizes.slice(0, 10)) + SLACK);
  });
});

describe("notebook results and the budget", () => {
  it("removes a notebook cell's result only once nothing else of the member's is left, and the cell says so", async () => {
    const alice = await createTestUser();
    const notebook = await notebooks.createNotebook(alice, {
      title: "Budget",
      connectionId: "builtin",
      cells: [{ id: randomUUID(), kind: "sql", source: ONE_MB, connectionId: null, chart: null }],
    });
    const cellId = notebook.cells[0].id;
    const { run: started } = await notebooks.runCell(alice, notebook.id, cellId, 10);
    const cellRun = await settleRun(runs.runState, alice, started.id);
    // Newer ad hoc results make room among themselves while the cell's result stays.
    const adHoc = [];
    for (let i = 0; i < 4; i++) adHoc.push(await run(alice, hashes(ROWS, 20 + i)));
    expect((await view(alice, cellRun.id)).resultRemoved).toBeNull();
    expect((await view(alice, adHoc[0].id)).resultRemoved).toBe("space");
    // A result that needs the whole budget removes everything else, the cell's result last.
    expect((await run(alice, hashes(200_000))).truncatedBy).toBe("budget");
    for (const r of adHoc) expect((await view(alice, r.id)).resultRemoved).toBe("space");
    const reopened = await notebooks.getNotebook(alice, notebook.id);
    expect(reopened.lastRuns[cellId]).toMatchObject({ id: cellRun.id, resultRemoved: "space" });
    expect(await refusal(runs.readPage(alice, cellRun.id, 0, 10, null))).toMatch(
      /removed to free space for newer results\. Run the query again/,
    );
  });
});

describe("a member attacking the budget", () => {
  it("cannot pass the budget by starting many runs at once", async () => {
    const mallory = await createTestUser();
    const bystander = await createTestUser();
    const kept = await run(bystander, ONE_MB);
    let worst = { results: 0, member: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const usage = store.budget.usage(mallory.id);
        worst = { results: Math.max(worst.results, usage.results), member: Math.max(worst.member, usage.member) };
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const started = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runs.startRun(
          mallory,
          { sql: hashes(100_000, i), connectionId: "builtin", lane: `flood-${i}`, pageSize: 10 },
          rt.engine,
        ),
      ),
    );
    const ended = await Promise.all(started.map(({ run: r }) => settleRun(runs.runState, mallory, r.id)));
    sampling = false;
    await sampler;
    expect(worst.member).toBeLessThanOrEqual(limits.perMember);
    expect(worst.results).toBeLessThanOrEqual(limits.results);
    expect(ended.every((r) => r.status === "succeeded")).toBe(true);
    // Each stored what fit (some were removed again for later ones); together no more than Mallory's share.
    const now = await Promise.all(ended.map((r) => view(mallory, r.id)));
    const stored = now.reduce((sum, r) => sum + (r.resultRemoved ? 0 : r.rowCount), 0);
    expect(stored * 37).toBeLessThanOrEqual(limits.perMember);
    expect(ended.some((r) => r.truncatedBy === "budget")).toBe(true);
    expect((await view(bystander, kept.id)).resultRemoved).toBeNull();
    expect(await diskBytes()).toBeLessThanOrEqual(limits.results + limits.files + SLACK);
  });

  it("cannot fill the disk with download files", async () => {
    const user = await createTestUser();
    const result = await run(user, hashes(60_000));
    // Ten downloads at once each write their files within the room for files.
    const bodies = await Promise.all(Array.from({ length: 10 }, () => runs.csvDownload(user, result.id)));
    let worst = 0;
    const texts = await Promise.all(
      bodies.map(async ({ body }) => {
        const reader = body.getReader();
        let length = 0;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return length;
          length += value.byteLength;
          worst = Math.max(worst, store.budget.usage().files);
        }
      }),
    );
    for (const length of texts) expect(length).toBe(3 + 60_000 * 34);
    expect(worst).toBeLessThanOrEqual(limits.files);
    expect(store.budget.usage().files).toBe(0);
  });
});
