import { afterEach, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { RunView } from "@/lib/results/types";
import type { Engine } from "@/lib/server/engines/types";
import { Counter, Gate, observed } from "./support/engines";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

// A small server: six statements at once, two per member; results cut at 1,000 rows.
prepareTempDataDir();
process.env.LAKEBOOK_MAX_CONCURRENT_RUNS = "6";
process.env.LAKEBOOK_MAX_RUNS_PER_USER = "2";
process.env.LAKEBOOK_RESULT_MAX_ROWS = "1000";

const runs = await import("@/lib/server/runs/runs");
const { runSlots, WAITING_PER_MEMBER } = await import("@/lib/server/runs/slots");
const { listHistory } = await import("@/lib/server/runs/history");
const { changeMember } = await import("@/lib/server/members");
const { createQuery } = await import("@/lib/server/queries");
const { share } = await import("@/lib/server/sharing");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();
const admin = await createTestUser("admin");
type User = typeof admin;

/** A query that keeps DuckDB busy until it is cancelled. */
const SLOW = "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range";

/** Every run a test started, so that each test ends with every run over and every slot free. */
const started: { user: User; id: string }[] = [];
const gates: Gate[] = [];

function gate(): Gate {
  const made = new Gate();
  gates.push(made);
  return made;
}

async function start(user: User, lane: string, sql: string, engine: Engine = rt.engine, queryId?: string) {
  const answer = await runs.startRun(user, { sql, connectionId: "builtin", lane, pageSize: 100, queryId }, engine);
  started.push({ user, id: answer.run.id });
  return answer;
}

const settle = (user: User, id: string) => settleRun(runs.runState, user, id);
const view = (user: User, id: string) => runs.runState(user, id, -1, 0);

afterEach(async () => {
  for (const g of gates.splice(0)) g.release();
  for (const { user, id } of started.splice(0)) {
    if ((await view(user, id)).status === "running") await runs.cancelRun(admin, id);
    expect((await settle(user, id)).status).not.toBe("running");
  }
  await expect.poll(() => runSlots().inUse()).toBe(0);
  expect(runSlots().waiting()).toBe(0);
});

describe("a fair share of the server for every member", () => {
  it("one member starting 20 runs in 20 lanes does not stop a second member's run", async () => {
    const [ann, bob] = [await createTestUser(), await createTestUser()];
    const held = gate();
    const annOnEngine = new Counter();
    const annEngine = observed(rt.engine, [annOnEngine], held);
    const annRuns = await Promise.all(
      Array.from({ length: 20 }, (_, i) => start(ann, `lane${i}`, `SELECT ${i} AS ann_${i}`, annEngine)),
    );
    // Two of hers run (her limit), eighteen wait for her own runs, although the server has four free slots.
    expect(annRuns.filter((r) => r.run.waiting)).toHaveLength(18);
    expect(annOnEngine.now).toBe(2);
    const last = await view(ann, annRuns[19].run.id);
    expect(last).toMatchObject({ status: "running", waiting: true });
    expect(last.message).toBe(
      "Waiting for a free slot: one member may run 2 queries at once, so this one starts when one of yours ends (17 more of yours wait ahead of it).",
    );

    const bobs = await start(bob, "b", "SELECT 42 AS bob");
    expect(bobs.run.waiting).toBe(false);
    const bobFinal = await settle(bob, bobs.run.id);
    expect(bobFinal.status).toBe("succeeded");
    expect((await runs.readPage(bob, bobs.run.id, 0, 10, null)).rows).toEqual([["42"]]);
    // Hers still wait: Bob did not queue behind them.
    expect((await view(ann, annRuns[19].run.id)).waiting).toBe(true);

    held.release();
    const finals = await Promise.all(annRuns.map((r) => settle(ann, r.run.id)));
    expect(finals.map((f) => f.status)).toEqual(Array(20).fill("succeeded"));
    expect(annOnEngine.max).toBe(2);
    // Her runs started in the order she started them, two at a time (two granted together may swap).
    const order = annOnEngine.executed.map((sql) => Number(/ann_(\d+)/.exec(sql)?.[1]));
    expect(order.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(order.filter((n, i) => Math.abs(n - i) > 1)).toEqual([]);
  });

  it("50 parallel starts never have more statements on the engine than either limit allows", async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => createTestUser()));
    const held = gate();
    const all = new Counter();
    const each = members.map(() => new Counter());
    const engines = members.map((_, m) => observed(rt.engine, [all, each[m]], held));
    const calls = members.flatMap((member, m) =>
      Array.from({ length: 10 }, (_, i) =>
        start(
          member,
          `p${i}`,
          `SELECT count(*) AS n_${m}_${i} FROM range(200000) WHERE range % 7 = ${i % 7}`,
          engines[m],
        ),
      ),
    );
    // While the first ones are held on the engine, the server is full: six, at most two of each member's.
    await expect.poll(() => held.holding().length).toBe(6);
    expect(all.now).toBe(6);
    expect(runSlots().waiting()).toBe(44);
    held.release();
    const answers = await Promise.all(calls);
    const finals = await Promise.all(answers.map((a, i) => settle(members[Math.floor(i / 10)], a.run.id)));
    expect(finals.map((f) => f.status)).toEqual(Array(50).fill("succeeded"));
    expect(all.max).toBe(6);
    expect(each.map((c) => c.max)).toEqual([2, 2, 2, 2, 2]);
    expect(all.executed).toHaveLength(50);
  });

  it("says where a waiting run stands, as the queue moves, and a waiting run can be cancelled", async () => {
    const [ann, bob, cat, dan, eve] = await Promise.all(Array.from({ length: 5 }, () => createTestUser()));
    const held = gate();
    const engine = new Counter();
    const through = observed(rt.engine, [engine], held);
    const full = [ann, bob, cat].flatMap((who, w) =>
      [0, 1].map((i) => start(who, `q${i}`, `SELECT ${w} AS full_${w}_${i}`, through)),
    );
    await expect.poll(() => held.holding().length).toBe(6);
    const dans = await start(dan, "q", "SELECT 'dan' AS dan_0", through);
    const eves = await start(eve, "q", "SELECT 'eve' AS eve_0", through);
    expect(dans.run).toMatchObject({ waiting: true, message: "Waiting for a free slot: next in line." });
    expect(eves.run).toMatchObject({ waiting: true, message: "Waiting for a free slot: 1 ahead." });

    // Eve's status poll hears of the move as soon as it happens.
    const news = runs.runState(eve, eves.run.id, 0, 1000);
    held.release("full_0_0");
    expect((await news).message).toBe("Waiting for a free slot: next in line.");
    expect((await view(dan, dans.run.id)).waiting).toBe(false);

    const cancelled = await runs.cancelRun(eve, eves.run.id);
    expect(cancelled).toMatchObject({ status: "cancelled", waiting: false, message: null });
    expect(engine.executed.some((sql) => sql.includes("eve_0"))).toBe(false);
    held.release();
    expect((await settle(dan, dans.run.id)).status).toBe("succeeded");
    expect((await Promise.all(full)).every((f) => !f.run.waiting)).toBe(true);
  });

  it("lets an admin see and cancel anyone's running or waiting query, and a member only their own", async () => {
    const [ann, bob] = [await createTestUser(), await createTestUser()];
    const held = gate();
    const running = await start(ann, "a1", SLOW);
    const holding = await start(ann, "a2", "SELECT 2 AS held_one", observed(rt.engine, [], held));
    const waiting = await start(ann, "a3", "SELECT 3 AS waits");
    expect([running.run.waiting, holding.run.waiting, waiting.run.waiting]).toEqual([false, false, true]);

    // History, filter "running": the admin sees all three of Ann's, the one that waits marked so; Bob none.
    const listed = await listHistory(admin, { status: "running", user: ann.id });
    expect(listed.entries.map((e) => [e.id, e.waiting ?? false])).toEqual([
      [waiting.run.id, true],
      [holding.run.id, false],
      [running.run.id, false],
    ]);
    expect(listed.entries[0].message).toMatch(/^Waiting for a free slot: one member may run 2 queries at once/);
    const everyone = await listHistory(admin, { status: "running" });
    expect(everyone.entries.map((e) => e.id)).toEqual(expect.arrayContaining([running.run.id, waiting.run.id]));
    expect((await listHistory(bob, { status: "running" })).entries).toEqual([]);

    // Bob can neither see nor stop Ann's run.
    await expect(runs.cancelRun(bob, running.run.id)).rejects.toThrow(NOT_FOUND);
    expect((await view(ann, running.run.id)).status).toBe("running");

    const stopped = await runs.cancelRun(admin, waiting.run.id);
    expect(stopped).toMatchObject({ status: "cancelled", message: "Cancelled by an admin." });
    const killed = await runs.cancelRun(admin, running.run.id);
    expect(killed).toMatchObject({ status: "cancelled", message: "Cancelled by an admin." });
    // The statement stopped on the engine: Ann's next run gets her slot and runs.
    const next = await start(ann, "a1", "SELECT 'after' AS after_cancel");
    expect((await settle(ann, next.run.id)).status).toBe("succeeded");
    held.release();
    expect((await settle(ann, holding.run.id)).status).toBe("succeeded");
  });

  it("does not let a member who may read a run (a shared query's) cancel it", async () => {
    const [ann, bob] = [await createTestUser(), await createTestUser()];
    const sql = "SELECT 'shared' AS shared_run";
    const query = await createQuery(ann, { title: "Shared", description: "", sql, connectionId: "builtin" });
    await share(ann, "query", query.id, { kind: "user", id: bob.id }, "view");
    const held = gate();
    const run = await start(ann, "s", sql, observed(rt.engine, [], held), query.id);
    expect((await view(bob, run.run.id)).status).toBe("running");
    await expect(runs.cancelRun(bob, run.run.id)).rejects.toThrow(
      "Only the person who started a run, or an admin, can cancel it.",
    );
    held.release();
    expect((await settle(ann, run.run.id)).status).toBe("succeeded");
  });

  it("cancels a member's running and waiting queries, and their full downloads, when they are disabled", async () => {
    const ann = await createTestUser();
    const cut = await start(ann, "cut", "SELECT range AS n FROM range(3000)");
    expect((await settle(ann, cut.run.id)).truncated).toBe(true);
    const held = gate();
    const heldEngine = observed(rt.engine, [], held);
    const first = await start(ann, "d1", "SELECT 1 AS d1", heldEngine);
    const second = await start(ann, "d2", SLOW);
    const third = await start(ann, "d3", "SELECT 3 AS d3", heldEngine);
    const download = runs.allRowsCsv(ann, cut.run.id, async () => rt.engine);
    download.catch(() => {});
    expect(third.run.waiting).toBe(true);
    await expect.poll(() => runSlots().waiting()).toBe(2);

    await changeMember(rt.db, ann.id, { disabled: true });
    for (const run of [first, second, third]) {
      expect(await settle(ann, run.run.id)).toMatchObject({
        status: "cancelled",
        message: "Cancelled: an admin disabled this member.",
      });
    }
    await expect(download).rejects.toThrow("stopped before it started");
    expect(runs.fullDownloadsRunning()).toBe(0);
  });

  it("stops waiting runs as well as running ones when the server shuts down, saying why", async () => {
    const ann = await createTestUser();
    const held = gate();
    const engine = observed(rt.engine, [], held);
    const mine = [];
    for (const i of [0, 1, 2]) mine.push(await start(ann, `s${i}`, `SELECT ${i} AS s`, engine));
    expect(mine.map((m) => m.run.waiting)).toEqual([false, false, true]);
    expect(await runs.cancelAllRuns("Cancelled: the server shut down.", 5_000)).toBe(3);
    for (const m of mine) {
      expect(await view(ann, m.run.id)).toMatchObject({
        status: "cancelled",
        message: "Cancelled: the server shut down.",
      });
    }
  });

  it("makes a full download that runs the query again wait for one of its member's slots", async () => {
    const [ann, bob] = [await createTestUser(), await createTestUser()];
    const cut = await start(ann, "cut", "SELECT range AS n FROM range(3000)");
    expect((await settle(ann, cut.run.id)).truncated).toBe(true);
    const held = gate();
    const heldEngine = observed(rt.engine, [], held);
    await start(ann, "h1", "SELECT 1 AS h1", heldEngine);
    await start(ann, "h2", "SELECT 2 AS h2", heldEngine);
    const onEngine = new Counter();
    let done = false;
    const download = runs.allRowsCsv(ann, cut.run.id, async () => observed(rt.engine, [onEngine]));
    void download.then(() => {
      done = true;
    });
    await expect.poll(() => runSlots().waiting()).toBe(1);
    // A download left while it waits leaves the queue.
    const leave = new AbortController();
    const left = runs.allRowsCsv(ann, cut.run.id, async () => rt.engine, leave.signal);
    await expect.poll(() => runSlots().waiting()).toBe(2);
    leave.abort();
    await expect(left).rejects.toThrow("stopped before it started");
    expect(runSlots().waiting()).toBe(1);
    // Others are not held up by Ann's download.
    const bobs = await start(bob, "b", "SELECT 'bob' AS b");
    expect((await settle(bob, bobs.run.id)).status).toBe("succeeded");
    expect(done).toBe(false);
    expect(onEngine.max).toBe(0);

    held.release("h1");
    const text = await new Response((await download).body).text();
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(3001);
    expect(onEngine.max).toBe(1);
  });
});

describe("what a hostile member might try", () => {
  it("cannot start two runs in one editor lane by sending them in parallel", async () => {
    const ann = await createTestUser();
    const held = gate();
    const engine = observed(rt.engine, [], held);
    const tries = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        runs.startRun(ann, { sql: `SELECT ${i}`, connectionId: "builtin", lane: "same", pageSize: 100 }, engine),
      ),
    );
    const ok = tries.filter((t) => t.status === "fulfilled");
    expect(ok).toHaveLength(1);
    for (const t of tries) if (t.status === "rejected") expect(String(t.reason)).toMatch(/already running/);
    started.push({ user: ann, id: (ok[0] as PromiseFulfilledResult<{ run: RunView }>).value.run.id });
  });

  it("cannot queue without end: past a limit of waiting runs a new one is refused, and others run", async () => {
    const [ann, bob] = [await createTestUser(), await createTestUser()];
    const held = gate();
    const engine = observed(rt.engine, [], held);
    for (let i = 0; i < 2 + WAITING_PER_MEMBER; i++) await start(ann, `w${i}`, `SELECT ${i}`, engine);
    await expect(
      runs.startRun(ann, { sql: "SELECT 'one more'", connectionId: "builtin", lane: "more", pageSize: 100 }, engine),
    ).rejects.toThrow(`You already have ${WAITING_PER_MEMBER} queries waiting for a free slot.`);
    const bobs = await start(bob, "b", "SELECT 'bob' AS b");
    expect((await settle(bob, bobs.run.id)).status).toBe("succeeded");
  });

  it("cannot run more full downloads at once than their own limit, however many are asked for together", async () => {
    const ann = await createTestUser();
    const cut = await start(ann, "cut", "SELECT range AS n FROM range(3000)");
    expect((await settle(ann, cut.run.id)).truncated).toBe(true);
    const onEngine = new Counter();
    const engine = observed(rt.engine, [onEngine]);
    const downloads = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { body } = await runs.allRowsCsv(ann, cut.run.id, async () => engine);
        return new Response(body).text();
      }),
    );
    expect(downloads.map((text) => text.split("\r\n").filter(Boolean).length)).toEqual(Array(8).fill(3001));
    expect(onEngine.max).toBe(2);
    expect(onEngine.executed).toHaveLength(8);
  });

  it("leaves no slot taken by runs that fail at once or are cancelled as soon as they start", async () => {
    const ann = await createTestUser();
    const failing = await Promise.all(
      Array.from({ length: 12 }, (_, i) => start(ann, `f${i}`, `SELECT no_such_column_${i} FROM range(1)`)),
    );
    const cancelled = await Promise.all(Array.from({ length: 12 }, (_, i) => start(ann, `c${i}`, SLOW)));
    await Promise.all(cancelled.map((c) => runs.cancelRun(ann, c.run.id)));
    for (const f of failing) expect((await settle(ann, f.run.id)).status).toBe("failed");
    for (const c of cancelled) expect((await settle(ann, c.run.id)).status).toBe("cancelled");
    expect(runSlots().inUse()).toBe(0);
  });
});
