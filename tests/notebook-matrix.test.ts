import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { ChartSpec, NotebookContent } from "@/lib/notebooks/types";
import { LEVEL_LABELS, type Level, type PrincipalKind } from "@/lib/sharing";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const notebooks = await import("@/lib/server/notebooks");
const sharing = await import("@/lib/server/sharing");
const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const { insertGroup, addGroupMember, removeGroupMember } = await import("@/lib/server/db/queries/groups");
const schema = await import("@/lib/server/db/schema");
const { eq } = await import("drizzle-orm");

type User = Awaited<ReturnType<typeof createTestUser>>;
type Who = "none" | Level | "owner" | "admin";
type Act = "view" | "run" | "edit" | "share" | "delete" | "download" | "list" | "search" | "chart" | "export";

const READ: Act[] = ["view", "download", "list", "search", "chart", "export"];
/** view ⊂ run ⊂ edit ⊂ manage; owners and admins can manage. */
const ALLOWED: Record<Who, Act[]> = {
  none: [],
  view: READ,
  run: [...READ, "run"],
  edit: [...READ, "run", "edit"],
  manage: [...READ, "run", "edit", "share", "delete"],
  owner: [...READ, "run", "edit", "share", "delete"],
  admin: [...READ, "run", "edit", "share", "delete"],
};
/** The level a refusal must name. */
const NEEDED: Partial<Record<Act, Level>> = { run: "run", edit: "edit", share: "manage", delete: "manage" };
/** Acts that change the notebook get a notebook of their own; the others share one per (who, kind). */
const MUTATING: Act[] = ["run", "edit", "share", "delete"];
const ACTS: Act[] = ["view", "run", "edit", "share", "delete", "download", "list", "search", "chart", "export"];
const WHO: Who[] = ["none", "view", "run", "edit", "manage", "owner", "admin"];
const CHART: ChartSpec = { kind: "bar", x: "n", y: ["n"], group: null, aggregate: "none" };

let owner: User;
let admin: User;
let bystander: User;

beforeAll(async () => {
  owner = await createTestUser("member", "owner");
  admin = await createTestUser("admin", "admin");
  bystander = await createTestUser("member", "bystander");
  await (await runtime()).engine.testConnection();
}, 120_000);

/** The message a call is refused with, or null if it was allowed. */
async function refusal(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (error: Error) => error.message,
  );
}

async function expectNotFound(promise: Promise<unknown>) {
  expect(await refusal(promise)).toBe(NOT_FOUND);
}

const settle = (user: User, runId: string) => settleRun(runs.runState, user, runId);

function contentOf(view: NotebookContent): NotebookContent {
  return { title: view.title, connectionId: view.connectionId, cells: view.cells };
}

/**
 * A fresh notebook of the owner's (a Markdown cell and a SQL cell, whose
 * result is stored as the cell's last run) shared with a new user the way the
 * case says. The marker is only in the cells' text, not in the title.
 */
async function setUp(who: Who, kind: PrincipalKind) {
  const marker = `m${randomUUID().slice(0, 8)}`;
  const sql = `SELECT '${marker}' AS marker, range AS n FROM range(3)`;
  const created = await notebooks.createNotebook(owner, {
    title: `Notebook ${randomUUID().slice(0, 8)}`,
    connectionId: "builtin",
    cells: [
      { id: randomUUID(), kind: "markdown", source: `# Notes about ${marker}`, connectionId: null, chart: null },
      { id: randomUUID(), kind: "sql", source: sql, connectionId: null, chart: CHART },
    ],
  });
  const cellId = created.cells[1].id;
  const { run } = await notebooks.runCell(owner, created.id, cellId, 50);
  expect((await settle(owner, run.id)).rowCount).toBe(3);
  let user: User;
  if (who === "owner") user = owner;
  else if (who === "admin") user = admin;
  else {
    user = await createTestUser("member", `${who}-${kind}-${marker}`);
    if (who !== "none") {
      let principal = { kind, id: user.id };
      if (kind === "group") {
        const { db } = await runtime();
        const group = await insertGroup(db, `group ${marker}`, admin.id);
        await addGroupMember(db, group.id, user.id);
        principal = { kind, id: group.id };
      }
      await sharing.share(owner, "notebook", created.id, principal, who);
    }
  }
  return { notebook: created, cellId, sql, marker, runId: run.id, user };
}
type Case = Awaited<ReturnType<typeof setUp>>;

async function cellRunCount(notebookId: string): Promise<number> {
  const { db } = await runtime();
  return db.$count(schema.runs, eq(schema.runs.notebookId, notebookId));
}

/** Performs one action as the user; true if the server allowed it. Refusals must say why, or look like "not found". */
async function attempt(act: Act, c: Case, who: Who): Promise<boolean> {
  const { user, notebook, cellId, sql, marker, runId } = c;
  const expectedLevel: Level | null = who === "none" ? null : who === "owner" || who === "admin" ? "manage" : who;
  const scope = who === "owner" ? "mine" : who === "admin" ? "all" : "shared";
  try {
    switch (act) {
      case "view": {
        const view = await notebooks.getNotebook(user, notebook.id);
        expect(view.cells.map((cell) => cell.source)).toEqual([`# Notes about ${marker}`, sql]);
        expect(view.level).toBe(expectedLevel);
        // The cell's stored result comes with it, whoever ran it.
        expect(view.lastRuns[cellId]).toMatchObject({ id: runId, rowCount: 3, ranBy: owner.name });
        await sharing.listGrants(user, "notebook", notebook.id);
        return true;
      }
      case "run": {
        const { run } = await notebooks.runCell(user, notebook.id, cellId, 50);
        expect((await settle(user, run.id)).rowCount).toBe(3);
        const after = await notebooks.getNotebook(owner, notebook.id);
        expect(after.lastRuns[cellId]).toMatchObject({ id: run.id, ranBy: user.name });
        return true;
      }
      case "edit": {
        const content = contentOf(notebook);
        content.cells = content.cells.map((cell) =>
          cell.kind === "sql" ? { ...cell, source: `${sql} -- edited` } : cell,
        );
        const saved = await notebooks.saveNotebook(user, notebook.id, notebook.version, content);
        expect("saved" in saved && saved.saved.version).toBe(2);
        return true;
      }
      case "share": {
        const grants = await sharing.share(user, "notebook", notebook.id, { kind: "user", id: bystander.id }, "view");
        expect(grants.some((g) => g.principalId === bystander.id)).toBe(true);
        return true;
      }
      case "delete":
        await notebooks.removeNotebook(user, notebook.id);
        await expectNotFound(notebooks.getNotebook(owner, notebook.id));
        return true;
      case "download": {
        const { body } = await runs.csvDownload(user, runId);
        expect(await new Response(body).text()).toContain(marker);
        const page = await runs.readPage(user, runId, 0, 50, null);
        expect(page.rows).toHaveLength(3);
        expect(await runs.readCell(user, runId, page.rowIds[0], 0)).toBe(marker);
        return true;
      }
      case "chart": {
        const chart = await runs.readChart(user, runId, CHART);
        expect(chart.totalRows).toBe(3);
        expect(chart.points.map((p) => p.y[0])).toEqual([0, 1, 2]);
        return true;
      }
      case "export": {
        for (const format of ["ipynb", "sql"] as const) {
          const file = await notebooks.exportNotebookFile(user, notebook.id, format);
          expect(file.text).toContain(marker);
        }
        return true;
      }
      case "list": {
        const { items } = await notebooks.listUserNotebooks(user, { scope, search: "", offset: 0, limit: 1000 });
        const item = items.find((n) => n.id === notebook.id);
        if (item) expect(item.level).toBe(expectedLevel);
        return item !== undefined;
      }
      case "search": {
        const { items } = await notebooks.listUserNotebooks(user, { scope, search: marker, offset: 0, limit: 50 });
        expect(items.every((n) => n.id === notebook.id)).toBe(true);
        return items.length === 1;
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    // No access at all: exactly "not found". Some access: the level they have and the one needed.
    if (who === "none") expect(message).toBe(NOT_FOUND);
    else {
      const needed = NEEDED[act];
      expect(needed, `unexpected refusal of ${act}: ${message}`).toBeDefined();
      expect(message).toBe(
        `You have ${LEVEL_LABELS[who as Level]} on this notebook; this needs ${LEVEL_LABELS[needed as Level]}. Ask its owner for more access.`,
      );
    }
    return false;
  }
}

/** A refused change changed nothing. */
async function expectUnchanged(act: Act, c: Case) {
  const now = await notebooks.getNotebook(owner, c.notebook.id);
  expect(now.version).toBe(1);
  expect(now.cells).toEqual(c.notebook.cells);
  expect(now.lastRuns[c.cellId]?.id).toBe(c.runId);
  if (act === "run") expect(await cellRunCount(c.notebook.id)).toBe(1);
  if (act === "share") {
    const grants = await sharing.listGrants(owner, "notebook", c.notebook.id);
    expect(grants.some((g) => g.principalId === bystander.id)).toBe(false);
  }
}

describe("authorization matrix of notebooks", () => {
  const shared = new Map<string, Promise<Case>>();
  for (const kind of ["user", "group"] as const) {
    for (const who of WHO) {
      if ((who === "owner" || who === "admin") && kind === "group") continue;
      // One notebook for the cases that only read (created on first use); a fresh one for each change.
      const readOnly = () => {
        const key = `${who}/${kind}`;
        if (!shared.has(key)) shared.set(key, setUp(who, kind));
        return shared.get(key) as Promise<Case>;
      };
      for (const act of ACTS) {
        const allowed = ALLOWED[who].includes(act);
        const principal = who === "owner" || who === "admin" ? "themselves" : `via ${kind}`;
        it(`${who} (${principal}) ${allowed ? "may" : "may not"} ${act}`, async () => {
          const c = MUTATING.includes(act) ? await setUp(who, kind) : await readOnly();
          expect(await attempt(act, c, who)).toBe(allowed);
          if (!allowed && MUTATING.includes(act)) await expectUnchanged(act, c);
        });
      }
    }
  }
});

describe("forged and guessed ids", () => {
  const forged = [randomUUID(), "not-a-uuid", "../../etc/passwd", "' OR 1=1 --", ""];

  it("look exactly like a notebook that does not exist, for every notebook function", async () => {
    const own = await setUp("owner", "user");
    const content = contentOf(own.notebook);
    for (const id of forged) {
      for (const level of ["view", "run", "edit", "manage"] as const) {
        await expectNotFound(notebooks.notebookFor(owner, id, level));
      }
      await expectNotFound(notebooks.getNotebook(owner, id));
      await expectNotFound(notebooks.saveNotebook(owner, id, 1, content));
      await expectNotFound(notebooks.removeNotebook(owner, id));
      await expectNotFound(notebooks.runCell(owner, id, own.cellId, 50));
      await expectNotFound(notebooks.exportNotebookFile(owner, id, "ipynb"));
      await expectNotFound(notebooks.exportNotebookFile(owner, id, "sql"));
      await expectNotFound(notebooks.cellToQuery(owner, id, own.cellId, { title: "copy" }));
      await expectNotFound(sharing.listGrants(owner, "notebook", id));
      await expectNotFound(sharing.share(owner, "notebook", id, { kind: "user", id: bystander.id }, "view"));
      await expectNotFound(sharing.unshare(owner, "notebook", id, { kind: "user", id: bystander.id }));
      // Admins see everything that exists, and nothing that does not.
      await expectNotFound(notebooks.getNotebook(admin, id));
      await expectNotFound(notebooks.removeNotebook(admin, id));
    }
    // Nothing was touched along the way.
    expect((await notebooks.getNotebook(owner, own.notebook.id)).version).toBe(1);
    expect(await cellRunCount(own.notebook.id)).toBe(1);
  });

  it("forged run ids look like a missing result", async () => {
    for (const id of [...forged, randomUUID().replaceAll("-", "")]) {
      await expectNotFound(runs.readPage(owner, id, 0, 50, null));
      await expectNotFound(runs.csvDownload(owner, id));
      await expectNotFound(runs.readChart(owner, id, CHART));
      await expectNotFound(runs.readCell(owner, id, 0, 0));
      await expectNotFound(runs.runState(owner, id, -1, 0));
    }
  });

  it("an existing notebook without access answers the same as a missing one", async () => {
    const c = await setUp("none", "user");
    const missing = await refusal(notebooks.getNotebook(c.user, randomUUID()));
    expect(await refusal(notebooks.getNotebook(c.user, c.notebook.id))).toBe(missing);
    expect(await refusal(notebooks.runCell(c.user, c.notebook.id, c.cellId, 50))).toBe(missing);
    expect(await refusal(notebooks.cellToQuery(c.user, c.notebook.id, c.cellId, { title: "copy" }))).toBe(missing);
    expect(await refusal(sharing.listGrants(c.user, "notebook", c.notebook.id))).toBe(missing);
    for (const call of [
      runs.csvDownload(c.user, c.runId),
      runs.readPage(c.user, c.runId, 0, 50, null),
      runs.readChart(c.user, c.runId, CHART),
      runs.runState(c.user, c.runId, -1, 0),
    ])
      await expectNotFound(call);
  });

  it("running another notebook's cell through a notebook the user can run fails and touches nothing", async () => {
    const mine = await setUp("run", "user");
    // A notebook the user cannot see, and one they can run: neither's cell may run through `mine`.
    for (const otherWho of ["none", "run"] as const) {
      const other = await setUp(otherWho, "user");
      const before = await notebooks.getNotebook(owner, other.notebook.id);
      const { db } = await runtime();
      const totalRuns = await db.$count(schema.runs);
      for (const runner of [mine.user, owner, admin]) {
        const message = await refusal(notebooks.runCell(runner, mine.notebook.id, other.cellId, 50));
        expect(message).not.toBeNull();
        expect(message).not.toContain(other.marker);
      }
      expect(await db.$count(schema.runs)).toBe(totalRuns);
      const after = await notebooks.getNotebook(owner, other.notebook.id);
      expect(after.version).toBe(before.version);
      expect(after.lastRuns[other.cellId]?.id).toBe(other.runId);
      expect((await notebooks.getNotebook(owner, mine.notebook.id)).lastRuns[mine.cellId]?.id).toBe(mine.runId);
    }
    // Nor may a cell of a notebook the user has no access to be copied into a query through their own.
    const hidden = await setUp("none", "user");
    await expectNotFound(notebooks.cellToQuery(mine.user, mine.notebook.id, hidden.cellId, { title: "copy" }));
  });

  it("saving content that reuses another notebook's cell id is refused and leaves both notebooks intact", async () => {
    const mine = await setUp("edit", "user");
    const other = await setUp("none", "user");
    const otherBefore = await notebooks.getNotebook(owner, other.notebook.id);
    const hijack = {
      id: other.cellId,
      kind: "sql" as const,
      source: "SELECT 'hijacked'",
      connectionId: null,
      chart: null,
    };
    for (const editor of [mine.user, owner]) {
      for (const cells of [[...mine.notebook.cells, hijack], [hijack]]) {
        const message = await refusal(
          notebooks.saveNotebook(editor, mine.notebook.id, 1, { ...contentOf(mine.notebook), cells }),
        );
        expect(message).toMatch(/another notebook/);
      }
    }
    const otherAfter = await notebooks.getNotebook(owner, other.notebook.id);
    expect(otherAfter.version).toBe(otherBefore.version);
    expect(otherAfter.cells).toEqual(otherBefore.cells);
    expect(otherAfter.lastRuns[other.cellId]?.id).toBe(other.runId);
    const mineAfter = await notebooks.getNotebook(owner, mine.notebook.id);
    expect(mineAfter.version).toBe(1);
    expect(mineAfter.cells).toEqual(mine.notebook.cells);
  });

  it("a revoked grant takes access, and the cell's stored result, away at once", async () => {
    const c = await setUp("run", "user");
    expect((await notebooks.getNotebook(c.user, c.notebook.id)).level).toBe("run");
    await runs.csvDownload(c.user, c.runId);
    await sharing.unshare(owner, "notebook", c.notebook.id, { kind: "user", id: c.user.id });
    await expectNotFound(notebooks.getNotebook(c.user, c.notebook.id));
    await expectNotFound(notebooks.runCell(c.user, c.notebook.id, c.cellId, 50));
    await expectNotFound(notebooks.exportNotebookFile(c.user, c.notebook.id, "ipynb"));
    await expectNotFound(runs.csvDownload(c.user, c.runId));
    await expectNotFound(runs.readPage(c.user, c.runId, 0, 50, null));
    await expectNotFound(runs.readChart(c.user, c.runId, CHART));
    const { items } = await notebooks.listUserNotebooks(c.user, {
      scope: "shared",
      search: "",
      offset: 0,
      limit: 1000,
    });
    expect(items.some((n) => n.id === c.notebook.id)).toBe(false);
  });

  it("leaving the group takes access away at once", async () => {
    const c = await setUp("view", "group");
    await runs.readPage(c.user, c.runId, 0, 50, null);
    const grants = await sharing.listGrants(owner, "notebook", c.notebook.id);
    const groupId = grants.find((g) => g.principalKind === "group")?.principalId as string;
    await removeGroupMember((await runtime()).db, groupId, c.user.id);
    await expectNotFound(notebooks.getNotebook(c.user, c.notebook.id));
    await expectNotFound(runs.readPage(c.user, c.runId, 0, 50, null));
    await expectNotFound(runs.csvDownload(c.user, c.runId));
  });

  it("a deleted notebook's cell results are no longer readable by its former viewers", async () => {
    const c = await setUp("view", "user");
    await runs.readPage(c.user, c.runId, 0, 50, null);
    await notebooks.removeNotebook(owner, c.notebook.id);
    await expectNotFound(runs.readPage(c.user, c.runId, 0, 50, null));
    await expectNotFound(runs.csvDownload(c.user, c.runId));
    // The person who ran it keeps their own run, as any run of theirs.
    expect((await runs.readPage(owner, c.runId, 0, 50, null)).rows).toHaveLength(3);
  });

  it("the highest of a direct and a group grant counts", async () => {
    const c = await setUp("view", "group");
    await sharing.share(owner, "notebook", c.notebook.id, { kind: "user", id: c.user.id }, "edit");
    expect((await notebooks.getNotebook(c.user, c.notebook.id)).level).toBe("edit");
    const listed = await notebooks.listUserNotebooks(c.user, { scope: "shared", search: "", offset: 0, limit: 1000 });
    expect(listed.items.find((n) => n.id === c.notebook.id)?.level).toBe("edit");
    const saved = await notebooks.saveNotebook(c.user, c.notebook.id, 1, contentOf(c.notebook));
    expect("saved" in saved).toBe(true);

    // And the other way round: a group's Can manage beats a direct Can view.
    const d = await setUp("manage", "group");
    await sharing.share(owner, "notebook", d.notebook.id, { kind: "user", id: d.user.id }, "view");
    expect((await notebooks.getNotebook(d.user, d.notebook.id)).level).toBe("manage");
    const again = await notebooks.listUserNotebooks(d.user, { scope: "shared", search: "", offset: 0, limit: 1000 });
    expect(again.items.find((n) => n.id === d.notebook.id)?.level).toBe("manage");
    await sharing.share(d.user, "notebook", d.notebook.id, { kind: "user", id: bystander.id }, "view");
  });
});
