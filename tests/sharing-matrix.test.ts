import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { Level, PrincipalKind } from "@/lib/sharing";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const queries = await import("@/lib/server/queries");
const sharing = await import("@/lib/server/sharing");
const tabs = await import("@/lib/server/tabs");
const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const { insertGroup, addGroupMember } = await import("@/lib/server/db/queries/groups");

type User = Awaited<ReturnType<typeof createTestUser>>;
type Who = "none" | Level | "owner" | "admin";
type Act = "view" | "run" | "edit" | "share" | "delete" | "download" | "list" | "search";

/** The table the issue gives: each level includes the ones before it; owners and admins can manage. */
const ALLOWED: Record<Who, Act[]> = {
  none: [],
  view: ["view", "download", "list", "search"],
  run: ["view", "download", "list", "search", "run"],
  edit: ["view", "download", "list", "search", "run", "edit"],
  manage: ["view", "download", "list", "search", "run", "edit", "share", "delete"],
  owner: ["view", "download", "list", "search", "run", "edit", "share", "delete"],
  admin: ["view", "download", "list", "search", "run", "edit", "share", "delete"],
};
const ACTS: Act[] = ["view", "run", "edit", "share", "delete", "download", "list", "search"];

let owner: User;
let admin: User;
let bystander: User;

beforeAll(async () => {
  owner = await createTestUser("member", "owner");
  admin = await createTestUser("admin", "admin");
  bystander = await createTestUser("member", "bystander");
  await (await runtime()).engine.testConnection();
}, 120_000);

/** A fresh query (with a finished run of its SQL, as its last result) shared with `who` the way the case says. */
async function setUp(who: Who, kind: PrincipalKind) {
  const marker = `m${randomUUID().slice(0, 8)}`;
  const sql = `SELECT '${marker}' AS marker, range AS n FROM range(3)`;
  const query = await queries.createQuery(owner, {
    title: `Q ${marker}`,
    description: "",
    sql,
    connectionId: "builtin",
  });
  const tab = await tabs.openQueryTab(owner, query.id);
  const { run } = await tabs.runInTab(owner, {
    sql,
    connectionId: "builtin",
    lane: tab.id,
    pageSize: 50,
    queryId: query.id,
  });
  await settle(owner, run.id);
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
      await sharing.share(owner, "query", query.id, principal, who);
    }
  }
  return { query, sql, marker, runId: run.id, user };
}

const settle = (user: User, runId: string) => settleRun(runs.runState, user, runId);

/** Performs one action as the user; true if the server allowed it. Refusals must say why, or look like "not found". */
async function attempt(act: Act, c: Awaited<ReturnType<typeof setUp>>, who: Who): Promise<boolean> {
  const { user, query, sql, marker, runId } = c;
  try {
    switch (act) {
      case "view":
        expect((await queries.getQuery(user, query.id)).sql).toBe(sql);
        return true;
      case "run": {
        const { run } = await tabs.runInTab(user, {
          sql,
          connectionId: "builtin",
          lane: `matrix-${randomUUID()}`,
          pageSize: 50,
          queryId: query.id,
        });
        expect((await settle(user, run.id)).rowCount).toBe(3);
        return true;
      }
      case "edit": {
        const saved = await queries.saveQuery(user, query.id, query.version, {
          title: "changed",
          description: "",
          sql: `${sql} -- edited`,
          connectionId: "builtin",
        });
        expect("saved" in saved).toBe(true);
        return true;
      }
      case "share":
        await sharing.share(user, "query", query.id, { kind: "user", id: bystander.id }, "view");
        return true;
      case "delete":
        await queries.removeQuery(user, query.id);
        return true;
      case "download": {
        const { body } = await runs.csvDownload(user, runId);
        expect(await new Response(body).text()).toContain(marker);
        const page = await runs.readPage(user, runId, 0, 50, null);
        expect(page.rows).toHaveLength(3);
        return true;
      }
      case "list": {
        const scope = who === "owner" ? "mine" : who === "admin" ? "all" : "shared";
        const { items } = await queries.listSavedQueries(user, { scope, search: "", offset: 0, limit: 1000 });
        return items.some((q) => q.id === query.id);
      }
      case "search": {
        const scope = who === "owner" ? "mine" : who === "admin" ? "all" : "shared";
        const { items } = await queries.listSavedQueries(user, { scope, search: marker, offset: 0, limit: 50 });
        expect(items.every((q) => q.id === query.id)).toBe(true);
        return items.length === 1;
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    // No access at all: exactly "not found". Some access: a message naming the level needed.
    if (who === "none") expect(message).toBe(NOT_FOUND);
    else expect(message === NOT_FOUND ? "not found" : message).toMatch(/needs Can (run|edit|manage)/);
    return false;
  }
}

const WHO: Who[] = ["none", "view", "run", "edit", "manage", "owner", "admin"];

describe("authorization matrix of saved queries", () => {
  for (const kind of ["user", "group"] as const) {
    for (const who of WHO) {
      if ((who === "owner" || who === "admin") && kind === "group") continue;
      for (const act of ACTS) {
        const allowed = ALLOWED[who].includes(act);
        it(`${who} (${who === "owner" || who === "admin" ? "themselves" : `via ${kind}`}) ${allowed ? "may" : "may not"} ${act}`, async () => {
          const c = await setUp(who, kind);
          expect(await attempt(act, c, who)).toBe(allowed);
          // A refused change changed nothing.
          if (!allowed && (act === "edit" || act === "delete")) {
            expect((await queries.getQuery(owner, c.query.id)).version).toBe(1);
          }
        });
      }
    }
  }
});

describe("forged and guessed ids", () => {
  const forged = [randomUUID(), "not-a-uuid", "../../etc/passwd", "' OR 1=1 --", ""];
  it("look exactly like a query that does not exist, for every action", async () => {
    for (const id of forged) {
      await expect(queries.getQuery(owner, id)).rejects.toThrow(NOT_FOUND);
      await expect(
        queries.saveQuery(owner, id, 1, { title: "x", description: "", sql: "SELECT 1", connectionId: "builtin" }),
      ).rejects.toThrow(NOT_FOUND);
      await expect(queries.removeQuery(owner, id)).rejects.toThrow(NOT_FOUND);
      await expect(queries.queryVersions(owner, id)).rejects.toThrow(NOT_FOUND);
      await expect(sharing.listGrants(owner, "query", id)).rejects.toThrow(NOT_FOUND);
      await expect(sharing.share(owner, "query", id, { kind: "user", id: bystander.id }, "view")).rejects.toThrow(
        NOT_FOUND,
      );
      await expect(tabs.openQueryTab(owner, id)).rejects.toThrow(NOT_FOUND);
      if (id === "") continue; // no query at all: an ordinary run
      await expect(
        tabs.runInTab(owner, { sql: "SELECT 1", connectionId: "builtin", lane: "forged", pageSize: 50, queryId: id }),
      ).rejects.toThrow(NOT_FOUND);
    }
  });

  it("an existing query without access answers the same as a missing one", async () => {
    const c = await setUp("none", "user");
    const missing = await queries.getQuery(c.user, randomUUID()).catch((e: Error) => e.message);
    const hidden = await queries.getQuery(c.user, c.query.id).catch((e: Error) => e.message);
    expect(hidden).toBe(missing);
    await expect(runs.csvDownload(c.user, c.runId)).rejects.toThrow(NOT_FOUND);
    await expect(runs.readPage(c.user, c.runId, 0, 50, null)).rejects.toThrow(NOT_FOUND);
  });

  it("a revoked grant takes access away at once", async () => {
    const c = await setUp("run", "user");
    expect((await queries.getQuery(c.user, c.query.id)).level).toBe("run");
    await sharing.unshare(owner, "query", c.query.id, { kind: "user", id: c.user.id });
    await expect(queries.getQuery(c.user, c.query.id)).rejects.toThrow(NOT_FOUND);
    await expect(runs.csvDownload(c.user, c.runId)).rejects.toThrow(NOT_FOUND);
  });

  it("the highest of a direct and a group grant counts", async () => {
    const c = await setUp("view", "group");
    await sharing.share(owner, "query", c.query.id, { kind: "user", id: c.user.id }, "edit");
    expect((await queries.getQuery(c.user, c.query.id)).level).toBe("edit");
  });

  it("a revoked grant takes a result's pages away at once, though the run's record is cached", async () => {
    const c = await setUp("view", "user");
    expect((await runs.readPage(c.user, c.runId, 0, 50, null)).rows).toHaveLength(3);
    await sharing.unshare(owner, "query", c.query.id, { kind: "user", id: c.user.id });
    await expect(runs.readPage(c.user, c.runId, 0, 50, null)).rejects.toThrow(NOT_FOUND);
    await expect(runs.readCell(c.user, c.runId, 0, 0)).rejects.toThrow(NOT_FOUND);
  });

  it("a run read before its tab was saved as a query becomes the query's result for its viewers", async () => {
    const marker = `adopted${randomUUID().slice(0, 8)}`;
    const sql = `SELECT '${marker}' AS marker`;
    const author = await createTestUser("member", `author-${marker}`);
    const tab = await tabs.openDraftTab(author, { title: "draft", sql, connectionId: "builtin" });
    const { run } = await tabs.runInTab(author, { sql, connectionId: "builtin", lane: tab.id, pageSize: 50 });
    await settle(author, run.id);
    // The owner's read caches the ended run's record, before it belongs to any query.
    expect((await runs.readPage(author, run.id, 0, 50, null)).rows).toEqual([[marker]]);
    const query = await queries.createQuery(author, { title: marker, description: "", sql, connectionId: "builtin" });
    await tabs.linkTab(author, tab.id, query.id, query.version, query.title);
    const viewer = await createTestUser("member", `viewer-${marker}`);
    await sharing.share(author, "query", query.id, { kind: "user", id: viewer.id }, "view");
    expect((await queries.getQuery(viewer, query.id)).lastRun?.id).toBe(run.id);
    expect((await runs.readPage(viewer, run.id, 0, 50, null)).rows).toEqual([[marker]]);
  });
});
