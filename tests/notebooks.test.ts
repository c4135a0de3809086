import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { ChartSpec, NotebookCell, NotebookContent, NotebookView } from "@/lib/notebooks/types";
import { notebookContentInput, runCellInput } from "@/lib/schemas/notebooks";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const notebooks = await import("@/lib/server/notebooks");
const sharing = await import("@/lib/server/sharing");
const runs = await import("@/lib/server/runs/runs");
const { saveConnection } = await import("@/lib/server/connections");
const { runtime, sweepExpired } = await import("@/lib/server/runtime");
const { findQuery } = await import("@/lib/server/db/queries/saved-queries");
const schema = await import("@/lib/server/db/schema");
const { and, eq } = await import("drizzle-orm");

type User = Awaited<ReturnType<typeof createTestUser>>;

/** Imports a file as `user` and opens the notebook it made. */
async function importAndOpen(user: User, input: Parameters<typeof notebooks.importNotebookFile>[1]) {
  const { id } = await notebooks.importNotebookFile(user, input);
  return notebooks.getNotebook(user, id);
}

const CHART: ChartSpec = { kind: "line", x: "n", y: ["n"], group: null, aggregate: "sum" };

let alice: User;
let bob: User;
let admin: User;
/** Alice's personal Databricks connection: only she may use it. Nothing here ever runs on it. */
let personal: string;
/** A connection shared with everyone by an admin. */
let team: string;

beforeAll(async () => {
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  bob = await createTestUser("member", `bob-${randomUUID().slice(0, 6)}`);
  admin = await createTestUser("admin", `admin-${randomUUID().slice(0, 6)}`);
  const databricks = {
    host: "adb-1.azuredatabricks.net",
    port: 443,
    httpPath: "/sql/1.0/warehouses/abc",
    authType: "token" as const,
    secret: "dapi-not-a-real-token",
  };
  personal = (await saveConnection(alice, { ...databricks, name: "Alice's own", scope: "personal" })).id;
  team = (await saveConnection(admin, { ...databricks, name: "Team warehouse", scope: "shared" })).id;
  await (await runtime()).engine.testConnection();
}, 120_000);

function cell(kind: NotebookCell["kind"], source: string, extra: Partial<NotebookCell> = {}): NotebookCell {
  return { id: randomUUID(), kind, source, connectionId: null, chart: null, ...extra };
}

function contentOf(view: NotebookContent): NotebookContent {
  return { title: view.title, connectionId: view.connectionId, cells: view.cells };
}

/** The cells as the author wrote them, without the ids the server gave them. */
function written(cells: NotebookCell[]) {
  return cells.map(({ id: _, ...rest }) => rest);
}

async function refusal(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (error: Error) => error.message,
  );
}

const settle = (user: User, runId: string) => settleRun(runs.runState, user, runId);

async function runAndSettle(user: User, notebookId: string, cellId: string) {
  const { run } = await notebooks.runCell(user, notebookId, cellId, 50);
  return settle(user, run.id);
}

async function runCount(): Promise<number> {
  return (await runtime()).db.$count(schema.runs);
}

/** A small notebook of the user's: a Markdown cell and two SQL cells of three rows each. */
async function sample(user: User, title = `Sample ${randomUUID().slice(0, 8)}`): Promise<NotebookView> {
  return notebooks.createNotebook(user, {
    title,
    connectionId: "builtin",
    cells: [
      cell("markdown", "# Daily numbers"),
      cell("sql", "SELECT range AS n FROM range(3)"),
      cell("sql", "SELECT range * 10 AS n FROM range(3)", { chart: CHART }),
    ],
  });
}

describe("creating and reading a notebook", () => {
  it("gives back the cells in order, with their kinds, connection overrides and charts", async () => {
    const cells = [
      cell("markdown", "# Revenue\nBy *region*."),
      cell("sql", "SELECT 1 AS one"),
      cell("sql", "SELECT 2 AS two", { connectionId: personal }),
      cell("sql", "SELECT range AS n FROM range(3)", { connectionId: team, chart: CHART }),
      cell("sql", ""),
      cell("markdown", ""),
    ];
    const created = await notebooks.createNotebook(alice, { title: "Revenue", connectionId: "builtin", cells });
    const view = await notebooks.getNotebook(alice, created.id);
    expect(view).toMatchObject({
      title: "Revenue",
      connectionId: "builtin",
      version: 1,
      isOwner: true,
      level: "manage",
      ownerName: alice.name,
      updatedByName: alice.name,
      lastRuns: {},
    });
    expect(written(view.cells)).toEqual(written(cells));
    expect(view.cells).toEqual(created.cells);
    // The server gives every cell an id of its own.
    for (const c of view.cells) expect(cells.map((x) => x.id)).not.toContain(c.id);
    expect(new Set(view.cells.map((c) => c.id)).size).toBe(cells.length);
  });

  it("keeps no connection or chart on a Markdown cell", async () => {
    const created = await notebooks.createNotebook(alice, {
      title: "Notes",
      connectionId: "builtin",
      cells: [cell("markdown", "text", { connectionId: team, chart: CHART })],
    });
    expect((await notebooks.getNotebook(alice, created.id)).cells[0]).toMatchObject({
      connectionId: null,
      chart: null,
    });
  });

  it("shows the owner and admins Can manage, and others only what was granted", async () => {
    const nb = await sample(alice);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "run");
    expect((await notebooks.getNotebook(admin, nb.id)).level).toBe("manage");
    expect((await notebooks.getNotebook(admin, nb.id)).isOwner).toBe(false);
    expect(await notebooks.getNotebook(bob, nb.id)).toMatchObject({
      level: "run",
      isOwner: false,
      ownerName: alice.name,
    });
  });
});

describe("saving a notebook", () => {
  it("with the version it was edited from bumps the version and keeps each cell's stored result", async () => {
    const nb = await sample(alice);
    const [md, first, second] = nb.cells;
    const firstRun = await runAndSettle(alice, nb.id, first.id);
    const secondRun = await runAndSettle(alice, nb.id, second.id);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "edit");

    // Reorder, edit a source, add a cell.
    const added = cell("sql", "SELECT 42 AS answer");
    const edited = { ...first, source: "SELECT range AS n FROM range(3) -- edited" };
    const result = await notebooks.saveNotebook(bob, nb.id, 1, {
      title: "Renamed",
      connectionId: "builtin",
      cells: [second, md, edited, added],
    });
    if (!("saved" in result)) throw new Error("expected a save");
    expect(result.saved).toMatchObject({ version: 2, title: "Renamed", updatedByName: bob.name });
    expect(result.saved.cells).toEqual([second, md, edited, added]);
    expect(result.saved.lastRuns[first.id]).toMatchObject({ id: firstRun.id, rowCount: 3 });
    expect(result.saved.lastRuns[second.id]).toMatchObject({ id: secondRun.id, rowCount: 3 });
    expect(result.saved.lastRuns[added.id]).toBeUndefined();

    // Another save over the new version, removing a cell.
    const again = await notebooks.saveNotebook(alice, nb.id, 2, {
      ...contentOf(result.saved),
      cells: [edited, second],
    });
    if (!("saved" in again)) throw new Error("expected a save");
    expect(again.saved.version).toBe(3);
    const view = await notebooks.getNotebook(alice, nb.id);
    expect(view.cells).toEqual([edited, second]);
    expect(Object.keys(view.lastRuns).sort()).toEqual([first.id, second.id].sort());
    const { db } = await runtime();
    expect(await db.$count(schema.notebookCells, eq(schema.notebookCells.notebookId, nb.id))).toBe(2);
  });

  it("over a stale version gets theirs back and writes nothing", async () => {
    const nb = await sample(alice);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "edit");
    const theirs = {
      ...contentOf(nb),
      title: "Alice's edit",
      cells: [...nb.cells, cell("markdown", "alice was here")],
    };
    const first = await notebooks.saveNotebook(alice, nb.id, 1, theirs);
    expect("saved" in first).toBe(true);
    const before = await notebooks.getNotebook(alice, nb.id);

    const mine = { ...contentOf(nb), title: "Bob's edit", cells: [cell("sql", "SELECT 'bob'")] };
    const stale = await notebooks.saveNotebook(bob, nb.id, 1, mine);
    if (!("conflict" in stale)) throw new Error("expected a conflict");
    expect(stale.conflict).toBe(true);
    expect(stale.theirs).toMatchObject({ version: 2, title: "Alice's edit", updatedByName: alice.name });
    expect(stale.theirs.cells).toEqual(theirs.cells);

    const after = await notebooks.getNotebook(alice, nb.id);
    expect(after).toEqual(before);
    const { db } = await runtime();
    expect(await db.$count(schema.notebookCells, eq(schema.notebookCells.notebookId, nb.id))).toBe(4);

    // Having seen theirs, Bob may overwrite it knowingly.
    const overwrite = await notebooks.saveNotebook(bob, nb.id, 2, mine);
    expect("saved" in overwrite && overwrite.saved.version).toBe(3);
  });

  it("of two saves over the same version at once, exactly one is written", async () => {
    const nb = await sample(alice);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "edit");
    const results = await Promise.all([
      notebooks.saveNotebook(alice, nb.id, 1, { ...contentOf(nb), title: "Alice wins" }),
      notebooks.saveNotebook(bob, nb.id, 1, { ...contentOf(nb), title: "Bob wins" }),
    ]);
    const saved = results.flatMap((r) => ("saved" in r ? [r.saved] : []));
    const conflicts = results.flatMap((r) => ("conflict" in r ? [r.theirs] : []));
    expect(saved).toHaveLength(1);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ version: 2, title: saved[0].title });
    expect(await notebooks.getNotebook(alice, nb.id)).toMatchObject({ version: 2, title: saved[0].title });
  });

  it("over a version that never existed is a conflict, not a save", async () => {
    const nb = await sample(alice);
    const result = await notebooks.saveNotebook(alice, nb.id, 7, { ...contentOf(nb), title: "From the future" });
    expect("conflict" in result && result.theirs).toMatchObject({ version: 1, title: nb.title });
    expect((await notebooks.getNotebook(alice, nb.id)).title).toBe(nb.title);
  });
});

describe("action input", () => {
  it("a cell run carries no SQL, and saves need real, distinct cell ids", () => {
    const input = runCellInput.parse({ notebookId: randomUUID(), cellId: randomUUID(), pageSize: 50, sql: "DROP" });
    expect(input).not.toHaveProperty("sql");
    const content = { title: "t", connectionId: "builtin", cells: [cell("sql", "SELECT 1")] };
    expect(notebookContentInput.safeParse(content).success).toBe(true);
    const twice = { ...content, cells: [content.cells[0], content.cells[0]] };
    expect(notebookContentInput.safeParse(twice).error?.issues[0].message).toBe("Two cells have the same id.");
    for (const id of ["../../etc/passwd", "' OR 1=1 --", "", "x".repeat(64)]) {
      expect(notebookContentInput.safeParse({ ...content, cells: [{ ...content.cells[0], id }] }).success).toBe(false);
      expect(runCellInput.safeParse({ notebookId: randomUUID(), cellId: id, pageSize: 50 }).success).toBe(false);
    }
  });
});

describe("running a cell", () => {
  it("runs the saved SQL, makes it the cell's result, and reading the notebook starts no run", async () => {
    // There is no way to pass SQL: the function takes the notebook, the cell, a page size and
    // the values of the cell's parameters (bound as values, never text).
    expect(notebooks.runCell.length).toBe(5);
    const nb = await sample(alice);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "run");
    const sqlCell = nb.cells[2];
    const { run, page } = await notebooks.runCell(bob, nb.id, sqlCell.id, 50);
    const done = await settle(bob, run.id);
    expect(done).toMatchObject({ status: "succeeded", rowCount: 3 });
    const record = await (await runtime()).catalog.load(run.id);
    expect(record).toMatchObject({ sql: sqlCell.source, notebookId: nb.id, owner: bob.id, connectionId: "builtin" });
    if (page) expect(page.rows.length).toBeLessThanOrEqual(3);

    const before = await runCount();
    const view = await notebooks.getNotebook(alice, nb.id);
    expect(await runCount()).toBe(before);
    expect(view.lastRuns[sqlCell.id]).toMatchObject({
      id: run.id,
      status: "succeeded",
      rowCount: 3,
      ranBy: bob.name,
    });
    expect(view.lastRuns[nb.cells[1].id]).toBeUndefined();
    // The result is readable by the notebook's other members, from the store.
    expect((await runs.readPage(alice, run.id, 0, 50, null)).rows.map((r) => r[0])).toEqual(["0", "10", "20"]);
  });

  it("runs what was saved last, not an older text", async () => {
    const nb = await sample(alice);
    const target = nb.cells[1];
    const old = await runAndSettle(alice, nb.id, target.id);
    const source = "SELECT 'new text' AS t FROM range(3)";
    await notebooks.saveNotebook(alice, nb.id, 1, {
      ...contentOf(nb),
      cells: nb.cells.map((c) => (c.id === target.id ? { ...c, source } : c)),
    });
    // Until it runs again, the cell keeps the result of its earlier text.
    expect((await notebooks.getNotebook(alice, nb.id)).lastRuns[target.id].id).toBe(old.id);
    const fresh = await runAndSettle(alice, nb.id, target.id);
    expect((await (await runtime()).catalog.load(fresh.id))?.sql).toBe(source);
    expect((await notebooks.getNotebook(alice, nb.id)).lastRuns[target.id].id).toBe(fresh.id);
  });

  it("refuses a Markdown cell, and a cell that is not saved yet", async () => {
    const nb = await sample(alice);
    const before = await runCount();
    expect(await refusal(notebooks.runCell(alice, nb.id, nb.cells[0].id, 50))).toBe("Only SQL cells run.");
    expect(await refusal(notebooks.runCell(alice, nb.id, randomUUID(), 50))).toMatch(/not in the saved notebook/);
    expect(await runCount()).toBe(before);
    expect((await notebooks.getNotebook(alice, nb.id)).lastRuns).toEqual({});
  });

  it("records a failed run as the cell's last result", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "Broken",
      connectionId: "builtin",
      cells: [cell("sql", "SELECT * FROM no_such_table_anywhere")],
    });
    const failed = await runAndSettle(alice, nb.id, nb.cells[0].id);
    expect(failed.status).toBe("failed");
    const view = await notebooks.getNotebook(alice, nb.id);
    expect(view.lastRuns[nb.cells[0].id]).toMatchObject({ id: failed.id, status: "failed", ranBy: alice.name });
    expect(view.lastRuns[nb.cells[0].id].error?.message).toMatch(/no_such_table_anywhere/);
  });

  it("a Can run member cannot run a cell on the owner's personal connection", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "On Alice's warehouse",
      connectionId: "builtin",
      cells: [cell("sql", "SELECT 1", { connectionId: personal })],
    });
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "run");
    const before = await runCount();
    expect(await refusal(notebooks.runCell(bob, nb.id, nb.cells[0].id, 50))).toBe(NOT_FOUND);
    expect(await runCount()).toBe(before);
  });
});

describe("connections a notebook may name", () => {
  it("someone else's personal connection can be neither the notebook's nor a cell's", async () => {
    await expect(notebooks.createNotebook(bob, { title: "x", connectionId: personal, cells: [] })).rejects.toThrow(
      NOT_FOUND,
    );
    await expect(
      notebooks.createNotebook(bob, {
        title: "x",
        connectionId: "builtin",
        cells: [cell("sql", "SELECT 1", { connectionId: personal })],
      }),
    ).rejects.toThrow(NOT_FOUND);
    const { db } = await runtime();
    const owned = await db.$count(schema.notebooks, eq(schema.notebooks.ownerId, bob.id));

    const own = await notebooks.createNotebook(bob, {
      title: "Bob's",
      connectionId: team,
      cells: [cell("sql", "SELECT 1")],
    });
    expect(await db.$count(schema.notebooks, eq(schema.notebooks.ownerId, bob.id))).toBe(owned + 1);
    for (const content of [
      { ...contentOf(own), connectionId: personal },
      { ...contentOf(own), cells: own.cells.map((c) => ({ ...c, connectionId: personal })) },
      { ...contentOf(own), cells: [...own.cells, cell("sql", "SELECT 2", { connectionId: personal })] },
    ]) {
      expect(await refusal(notebooks.saveNotebook(bob, own.id, 1, content))).toBe(NOT_FOUND);
    }
    const after = await notebooks.getNotebook(bob, own.id);
    expect(after.version).toBe(1);
    expect(after.cells).toEqual(own.cells);
    expect(after.connectionId).toBe(team);
  });

  it("its owner may use it, and an editor may keep it where the owner put it", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "Alice's warehouse",
      connectionId: personal,
      cells: [cell("sql", "SELECT 1", { connectionId: personal })],
    });
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "edit");
    const saved = await notebooks.saveNotebook(bob, nb.id, 1, { ...contentOf(nb), title: "Retitled by Bob" });
    expect("saved" in saved && saved.saved.connectionId).toBe(personal);
  });
});

describe("import and export", () => {
  it("round-trips a notebook through .ipynb and .sql", async () => {
    const cells = [
      cell("markdown", "# Trips\nA *short* look."),
      cell("sql", "SELECT range AS n\nFROM range(3)", { chart: CHART }),
      cell("sql", "SELECT 'a;b' AS s;\nSELECT 2", { connectionId: team }),
    ];
    const parameters = [{ name: "n", type: "number" as const, value: "3" }];
    const nb = await notebooks.createNotebook(alice, {
      title: "Trips review",
      connectionId: "builtin",
      cells,
      parameters,
    });

    const ipynb = await notebooks.exportNotebookFile(alice, nb.id, "ipynb");
    expect(ipynb.filename).toBe("Trips review.ipynb");
    const fromIpynb = await importAndOpen(bob, {
      filename: ipynb.filename,
      text: ipynb.text,
      connectionId: "builtin",
    });
    expect(fromIpynb).toMatchObject({ title: "Trips review", connectionId: "builtin", isOwner: true, version: 1 });
    expect(written(fromIpynb.cells)).toEqual(written(cells));
    expect(fromIpynb.cells.map((c) => c.id)).not.toContain(cells[0].id);
    expect(fromIpynb.parameters).toEqual(parameters);

    const sql = await notebooks.exportNotebookFile(alice, nb.id, "sql");
    expect(sql.filename).toBe("Trips review.sql");
    const fromSql = await importAndOpen(bob, {
      filename: sql.filename,
      text: sql.text,
      connectionId: team,
    });
    expect(fromSql).toMatchObject({ title: "Trips review", connectionId: team });
    // A .sql file carries kinds, sources, and the parameters as a first command of widgets.
    expect(fromSql.parameters).toEqual(parameters);
    expect(written(fromSql.cells)).toEqual(
      cells.map((c) => ({ kind: c.kind, source: c.source, connectionId: null, chart: null })),
    );
  });

  it("drops a connection the importer may not use to the notebook's default", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "Mixed",
      connectionId: "builtin",
      cells: [
        cell("sql", "SELECT 1", { connectionId: personal }),
        cell("sql", "SELECT 2", { connectionId: team }),
        cell("sql", "SELECT 3"),
      ],
    });
    const file = await notebooks.exportNotebookFile(alice, nb.id, "ipynb");
    const edited = file.text.replace(team, "no-such-connection");
    expect(edited).not.toBe(file.text);

    const byBob = await importAndOpen(bob, {
      filename: "m.ipynb",
      text: file.text,
      connectionId: "builtin",
    });
    expect(byBob.cells.map((c) => c.connectionId)).toEqual([null, team, null]);
    const unknown = await importAndOpen(bob, {
      filename: "m.ipynb",
      text: edited,
      connectionId: "builtin",
    });
    expect(unknown.cells.map((c) => c.connectionId)).toEqual([null, null, null]);
    const byAlice = await importAndOpen(alice, {
      filename: "m.ipynb",
      text: file.text,
      connectionId: "builtin",
    });
    expect(byAlice.cells.map((c) => c.connectionId)).toEqual([personal, team, null]);

    // The notebook's own connection must be one the importer may use.
    expect(await refusal(importAndOpen(bob, { filename: "m.ipynb", text: file.text, connectionId: personal }))).toBe(
      NOT_FOUND,
    );
  });

  it("refuses a file that is not a notebook, and creates nothing", async () => {
    const { db } = await runtime();
    const before = await db.$count(schema.notebooks);
    expect(await refusal(importAndOpen(bob, { filename: "a.ipynb", text: "{ nope", connectionId: "builtin" }))).toMatch(
      /not valid JSON/,
    );
    expect(await db.$count(schema.notebooks)).toBe(before);
  });
});

describe("a cell as a saved query", () => {
  it("is owned by the caller and holds the cell's SQL on the cell's connection", async () => {
    const nb = await notebooks.createNotebook(alice, {
      title: "Source",
      connectionId: "builtin",
      cells: [
        cell("markdown", "notes"),
        cell("sql", "SELECT 'from a cell' AS s"),
        cell("sql", "SELECT 'on the team warehouse' AS s", { connectionId: team }),
      ],
    });
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "view");
    const query = await notebooks.cellToQuery(bob, nb.id, nb.cells[1].id, { title: "My copy" });
    expect(query).toMatchObject({ title: "My copy", sql: "SELECT 'from a cell' AS s", connectionId: "builtin" });
    expect(query.isOwner).toBe(true);
    expect((await findQuery((await runtime()).db, query.id))?.ownerId).toBe(bob.id);
    const other = await notebooks.cellToQuery(bob, nb.id, nb.cells[2].id, { title: "Team copy" });
    expect(other.connectionId).toBe(team);
    expect(await refusal(notebooks.cellToQuery(bob, nb.id, nb.cells[0].id, { title: "md" }))).toBe(NOT_FOUND);
    expect(await refusal(notebooks.cellToQuery(bob, nb.id, randomUUID(), { title: "none" }))).toBe(NOT_FOUND);
  });
});

describe("deleting a notebook", () => {
  it("removes the notebook, its cells and its grants", async () => {
    const nb = await sample(alice);
    await sharing.share(alice, "notebook", nb.id, { kind: "user", id: bob.id }, "view");
    await runAndSettle(alice, nb.id, nb.cells[1].id);
    await notebooks.removeNotebook(alice, nb.id);
    const { db } = await runtime();
    expect(await db.$count(schema.notebooks, eq(schema.notebooks.id, nb.id))).toBe(0);
    expect(await db.$count(schema.notebookCells, eq(schema.notebookCells.notebookId, nb.id))).toBe(0);
    expect(
      await db.$count(
        schema.permissions,
        and(eq(schema.permissions.objectKind, "notebook"), eq(schema.permissions.objectId, nb.id)),
      ),
    ).toBe(0);
    expect(await refusal(notebooks.getNotebook(alice, nb.id))).toBe(NOT_FOUND);
    expect(await refusal(notebooks.getNotebook(bob, nb.id))).toBe(NOT_FOUND);
  });
});

describe("lists and search", () => {
  let carol: User;
  let mine: NotebookView;
  let sharedOne: NotebookView;
  let hidden: NotebookView;
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    carol = await createTestUser("member", `carol-${tag}`);
    mine = await notebooks.createNotebook(carol, {
      title: `Carol plans ${tag}`,
      connectionId: "builtin",
      cells: [cell("markdown", "nothing to see"), cell("sql", "SELECT 1")],
    });
    sharedOne = await notebooks.createNotebook(alice, {
      title: `Shared with Carol ${tag}`,
      connectionId: "builtin",
      cells: [cell("sql", `SELECT 'needle_${tag}' AS s`)],
    });
    hidden = await notebooks.createNotebook(alice, {
      title: `Not for Carol ${tag}`,
      connectionId: "builtin",
      cells: [cell("sql", `SELECT 'needle_${tag}' AS s`), cell("markdown", `haystack_${tag}`)],
    });
    await sharing.share(alice, "notebook", sharedOne.id, { kind: "user", id: carol.id }, "edit");
  });

  async function ids(user: User, scope: "mine" | "shared" | "all", search = "") {
    const { items } = await notebooks.listUserNotebooks(user, { scope, search, offset: 0, limit: 1000 });
    return items.map((n) => n.id);
  }

  it("mine, shared with me, and (for admins) all", async () => {
    expect(await ids(carol, "mine")).toEqual([mine.id]);
    expect(await ids(carol, "shared")).toEqual([sharedOne.id]);
    const { items } = await notebooks.listUserNotebooks(carol, { scope: "shared", search: "", offset: 0, limit: 10 });
    expect(items[0]).toMatchObject({ isOwner: false, level: "edit", ownerName: alice.name, cellCount: 1, version: 1 });
    const own = (await notebooks.listUserNotebooks(carol, { scope: "mine", search: "", offset: 0, limit: 10 })).items;
    expect(own[0]).toMatchObject({ isOwner: true, level: "manage", cellCount: 2 });

    expect(await refusal(notebooks.listUserNotebooks(carol, { scope: "all", search: "", offset: 0, limit: 10 }))).toBe(
      "Only an admin can list every notebook.",
    );
    expect(await ids(admin, "all")).toEqual(expect.arrayContaining([mine.id, sharedOne.id, hidden.id]));
    const adminItem = (
      await notebooks.listUserNotebooks(admin, { scope: "all", search: tag, offset: 0, limit: 10 })
    ).items.find((n) => n.id === hidden.id);
    expect(adminItem?.level).toBe("manage");
  });

  it("search finds titles and cell text, only among what the user may see", async () => {
    expect(await ids(carol, "mine", `plans ${tag}`)).toEqual([mine.id]);
    expect(await ids(carol, "shared", `SHARED WITH CAROL ${tag}`)).toEqual([sharedOne.id]);
    expect(await ids(carol, "shared", `needle_${tag}`)).toEqual([sharedOne.id]);
    expect(await ids(carol, "shared", `haystack_${tag}`)).toEqual([]);
    expect(await ids(alice, "mine", `haystack_${tag}`)).toEqual([hidden.id]);
    expect((await ids(alice, "mine", `needle_${tag}`)).sort()).toEqual([sharedOne.id, hidden.id].sort());
    expect(await ids(admin, "all", `haystack_${tag}`)).toEqual([hidden.id]);
    // LIKE wildcards are text, not patterns.
    expect(await ids(carol, "mine", "%")).toEqual([]);
    expect(await ids(carol, "shared", "needle_%")).toEqual([]);
  });

  it("pages", async () => {
    const first = await notebooks.listUserNotebooks(alice, { scope: "mine", search: tag, offset: 0, limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.more).toBe(true);
    const second = await notebooks.listUserNotebooks(alice, { scope: "mine", search: tag, offset: 1, limit: 1 });
    expect(second.more).toBe(false);
    expect([first.items[0].id, second.items[0].id].sort()).toEqual([sharedOne.id, hidden.id].sort());
  });
});

// Last: sweeping with a far-future clock expires every other test's results too.
describe("retention of stored results", () => {
  it("keeps a cell's current result past the retention period, and lets an older one expire", async () => {
    const rt = await runtime();
    const farFuture = new Date(Date.now() + 365 * 24 * 3_600_000);
    const nb = await sample(alice);
    const [, kept, dropped] = nb.cells;
    const first = await runAndSettle(alice, nb.id, kept.id);
    const removedCellRun = await runAndSettle(alice, nb.id, dropped.id);
    const started = await runs.startRun(
      alice,
      { sql: "SELECT range AS n FROM range(3)", connectionId: "builtin", lane: "plain", pageSize: 50 },
      rt.engine,
    );
    const plain = await settle(alice, started.run.id);
    // A cell removed by a save no longer holds its result.
    await notebooks.saveNotebook(alice, nb.id, 1, { ...contentOf(nb), cells: [kept] });

    await sweepExpired(rt, farFuture);
    const gone = /no longer stored/;
    expect(await refusal(runs.readPage(alice, plain.id, 0, 50, null))).toMatch(gone);
    expect(await refusal(runs.readPage(alice, removedCellRun.id, 0, 50, null))).toMatch(gone);
    expect((await runs.readPage(alice, first.id, 0, 50, null)).rows).toHaveLength(3);
    const { body } = await runs.csvDownload(alice, first.id);
    expect((await new Response(body).text()).trim().split("\n")).toHaveLength(4);
    const before = await runCount();
    expect((await notebooks.getNotebook(alice, nb.id)).lastRuns[kept.id]).toMatchObject({ id: first.id, rowCount: 3 });
    expect(await runCount()).toBe(before);

    // Once the cell runs again, its older result is an ordinary old result.
    const second = await runAndSettle(alice, nb.id, kept.id);
    await sweepExpired(rt, farFuture);
    expect(await refusal(runs.readPage(alice, first.id, 0, 50, null))).toMatch(gone);
    expect((await runs.readPage(alice, second.id, 0, 50, null)).rows).toHaveLength(3);
    expect((await notebooks.getNotebook(alice, nb.id)).lastRuns[kept.id].id).toBe(second.id);
  });
});
