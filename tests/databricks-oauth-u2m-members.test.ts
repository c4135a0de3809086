import { randomBytes } from "node:crypto";
import https from "node:https";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABRICKS_SIGN_IN_ERRORS, databricksSignInErrorText } from "@/lib/auth/databricks-sign-in-errors";
import type { RunView } from "@/lib/results/types";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { allowLocalWarehouse, prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";
import { worstText } from "./support/worst-text";

prepareTempDataDir();
allowLocalWarehouse();

/**
 * Members' own identities through Lakebook (OAuth user-to-machine): an admin's
 * connection, each member's "Connect with Databricks" through the real route
 * logic (start, the workspace's sign-in page by HTTP, callback), their sealed
 * refresh tokens, and their statements at the test warehouse under their own
 * workspace identity.
 */
const { saveConnection } = await import("@/lib/server/connections");
const { engineFor, checkConnection } = await import("@/lib/server/connections/engines");
const signIn = await import("@/lib/server/connections/member-sign-in");
const tokens = await import("@/lib/server/connections/member-tokens");
const { openRefreshToken } = await import("@/lib/server/connections/member-oauth");
const signIns = await import("@/lib/server/connections/sign-ins");
const store = await import("@/lib/server/db/queries/member-tokens");
const { findConnection } = await import("@/lib/server/db/queries/connections");
const { changeMember } = await import("@/lib/server/members");
const { auditLog } = await import("@/lib/server/audit");
const { runtime } = await import("@/lib/server/runtime");
const runs = await import("@/lib/server/runs/runs");

type User = Awaited<ReturnType<typeof createTestUser>>;
const ORIGIN = "http://127.0.0.1:3999";
let warehouse: TestWarehouse;
let admin: User;
let alice: User;
let bob: User;
let connectionId: string;

beforeAll(async () => {
  warehouse = await startTestWarehouse({ certificateDir: ".lakebook-test-tls" });
  admin = await createTestUser("admin");
  alice = await createTestUser("member", "alice");
  bob = await createTestUser("member", "bob");
  connectionId = (await saveConnection(admin, u2mInput("Workspace"))).id;
});

afterAll(async () => {
  await warehouse?.close();
});

function u2mInput(name: string, scope: "shared" | "personal" = "shared") {
  return {
    name,
    host: "localhost",
    port: warehouse.port,
    httpPath: warehouse.path,
    authType: "oauth-u2m" as const,
    clientId: warehouse.oauth.members.clientId,
    scope,
  };
}

/** GET /api/connections/[id]/oauth/start as the member's browser asks for it. */
function start(user: User, id: string, next = "/queries/q1?tab=2") {
  return signIn.startMemberSignIn(
    user,
    id,
    new Request(`${ORIGIN}/api/connections/${id}/oauth/start?next=${encodeURIComponent(next)}`),
  );
}

/** The workspace's sign-in page, by HTTP: signs in as `workspaceUser`, returns the query Lakebook's callback gets. */
async function workspaceSignIn(location: string, workspaceUser: string): Promise<string> {
  const form = new URLSearchParams(new URL(location).searchParams);
  form.set("user", workspaceUser);
  form.set("decision", "allow");
  const back = await post(new URL("/oidc/v1/authorize", location).toString(), form.toString());
  const url = new URL(back);
  expect(`${url.origin}${url.pathname}`).toBe(`${ORIGIN}/api/connections/oauth/callback`);
  return url.search;
}

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.headers.location ?? ""));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Where a failed sign-in sends the member: the app's page, with our code for what failed and the way back. */
function problem(response: Response): { status: number; error: string | null; next: string | null } {
  const location = new URL(response.headers.get("location") ?? "", ORIGIN);
  expect(location.pathname).toBe("/connections/databricks-sign-in");
  return {
    status: response.status,
    error: location.searchParams.get("error"),
    next: location.searchParams.get("next"),
  };
}

/** The sign-in cookie of a start's answer, as the browser sends it back. */
const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0];

function callback(user: User, search: string, cookie?: string) {
  return signIn.finishMemberSignIn(
    user,
    new Request(`${ORIGIN}/api/connections/oauth/callback${search}`, { headers: cookie ? { cookie } : {} }),
  );
}

/** The whole "Connect with Databricks", as `workspaceUser`; the callback's answer. */
async function connect(user: User, workspaceUser: string, id = connectionId, next?: string) {
  const started = await start(user, id, next);
  expect(started.status).toBe(302);
  return callback(user, await workspaceSignIn(started.headers.get("location") ?? "", workspaceUser), cookieOf(started));
}

async function run(user: User, sql: string): Promise<RunView> {
  const engine = await engineFor(user, connectionId);
  const started = await runs.startRun(user, { sql, connectionId, lane: `lane-${user.id}`, pageSize: 10 }, engine);
  let view = started.run;
  while (view.status === "running") view = await runs.runState(user, view.id, view.rowCount, 200);
  return view;
}

const stored = async (user: User) => store.findMemberToken((await runtime()).db, connectionId, user.id);

describe("members' own Databricks identity through Lakebook", () => {
  it("asks a member who has not connected to connect, with a code; the form's test checks discovery only", async () => {
    await expect(engineFor(alice, connectionId)).rejects.toMatchObject({
      code: "databricks-sign-in",
      message: "Connect with Databricks to run queries on Workspace.",
    });
    const check = await checkConnection(admin, u2mInput("Workspace"));
    expect(check).toMatchObject({ ok: true });
    expect(check.ok && check.detail).toMatch(/No query was run/);
    const saved = await checkConnection(admin, { id: connectionId });
    expect(saved.ok).toBe(true);
  });

  it("runs each member's statements as their own workspace user", async () => {
    const answer = await connect(alice, "alice@workspace.example");
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/queries/q1?tab=2");
    // The sign-in cookie is cleared, scoped to the callback, httpOnly and SameSite=Lax.
    expect(answer.headers.get("set-cookie")).toMatch(
      /^lakebook-databricks-sign-in=; Path=\/api\/connections\/oauth\/callback; Max-Age=0; HttpOnly; SameSite=Lax$/,
    );
    expect((await connect(bob, "bob@workspace.example")).status).toBe(302);

    const alices = await run(alice, "SELECT 'a' AS who");
    expect(alices.status).toBe("succeeded");
    expect(warehouse.stats().statementCallers.at(-1)?.identity).toBe("alice@workspace.example");
    // The result says whose identity produced it: to its owner and to a teammate who reads it.
    expect(alices.ranAs).toEqual({ workspaceUser: "alice@workspace.example", byViewer: true });
    const record = await (await runtime()).catalog.load(alices.id);
    if (!record) throw new Error("no record");
    expect(runs.runView(record, bob.id).ranAs).toEqual({ workspaceUser: "alice@workspace.example", byViewer: false });
    const builtin = await runs.startRun(
      alice,
      { sql: "SELECT 1", connectionId: "builtin", lane: "b", pageSize: 1 },
      (await runtime()).engine,
    );
    expect(builtin.run.ranAs).toBeNull();
    expect((await run(bob, "SELECT 'b' AS who")).status).toBe("succeeded");
    expect(warehouse.stats().statementCallers.at(-1)?.identity).toBe("bob@workspace.example");

    expect(await signIns.listDatabricksSignIns(alice)).toEqual([
      expect.objectContaining({ connectionId, connectionName: "Workspace", workspaceUser: "alice@workspace.example" }),
    ]);
    const events = await auditLog(admin, { action: "connect with databricks" }, { limit: 10 });
    expect(events.events.map((e) => [e.userId, e.status, e.detail])).toContainEqual([
      alice.id,
      200,
      "signed in as alice@workspace.example",
    ]);
  });

  it("stores each rotated refresh token, and two runs at once spend one refresh", async () => {
    const before = await stored(alice);
    const spent = await openRefreshToken(connectionId, alice.id, before?.sealedRefreshToken ?? "");
    const grants = warehouse.oauth.members.grants.length;
    tokens.forgetMemberAccess(connectionId, alice.id);
    const connection = await findConnection((await runtime()).db, connectionId);
    if (!connection) throw new Error("no connection");
    const got = await Promise.all(Array.from({ length: 5 }, () => tokens.memberAccessToken(connection, alice.id)));
    expect(new Set(got).size).toBe(1);
    expect(warehouse.oauth.members.grants.length).toBe(grants + 1);
    const after = await stored(alice);
    expect(after?.sealedRefreshToken).not.toBe(before?.sealedRefreshToken);
    expect(await openRefreshToken(connectionId, alice.id, after?.sealedRefreshToken ?? "")).not.toBe(spent);
    expect((await run(alice, "SELECT 'again' AS who")).status).toBe("succeeded");
    expect(warehouse.stats().statementCallers.at(-1)?.identity).toBe("alice@workspace.example");
  });

  it("seals a refresh token for its connection and member: copied to another member, it does not open", async () => {
    const { db } = await runtime();
    const alices = await stored(alice);
    if (!alices) throw new Error("alice has no sign-in");
    await expect(openRefreshToken(connectionId, bob.id, alices.sealedRefreshToken)).rejects.toThrow();
    await store.upsertMemberToken(db, {
      connectionId,
      userId: bob.id,
      sealedRefreshToken: alices.sealedRefreshToken,
      workspaceUser: "bob@workspace.example",
    });
    tokens.forgetMemberAccess(connectionId, bob.id);
    await expect(engineFor(bob, connectionId)).rejects.toMatchObject({ code: "databricks-sign-in" });
    expect(await stored(bob)).toBeNull();
    expect((await connect(bob, "bob@workspace.example")).status).toBe(302);
  });

  it("asks a member whose sign-in the workspace revoked to connect again", async () => {
    warehouse.oauth.members.revoke("bob@workspace.example");
    tokens.forgetMemberAccess(connectionId, bob.id);
    await expect(engineFor(bob, connectionId)).rejects.toMatchObject({
      code: "databricks-sign-in",
      message: "Connect with Databricks to run queries on Workspace.",
    });
    expect(await stored(bob)).toBeNull();
    expect((await connect(bob, "bob@workspace.example")).status).toBe(302);
    expect((await run(bob, "SELECT 'back' AS who")).status).toBe("succeeded");
  });

  it("refuses a callback without its cookie, with another member's, with a forged state or a spent code", async () => {
    const started = await start(alice, connectionId);
    const search = await workspaceSignIn(started.headers.get("location") ?? "", "alice@workspace.example");
    expect(problem(await callback(alice, search))).toEqual({ status: 302, error: "expired", next: "/" });
    expect(problem(await callback(bob, search, cookieOf(started)))).toEqual({
      status: 302,
      error: "other-member",
      next: "/",
    });
    expect(problem(await callback(alice, search, `${cookieOf(started)}x`)).error).toBe("expired");

    const query = new URLSearchParams(search);
    query.set("state", "forged");
    const forged = await callback(alice, `?${query}`, cookieOf(started));
    expect(problem(forged)).toEqual({ status: 302, error: "state", next: "/queries/q1?tab=2" });
    expect(forged.headers.get("set-cookie")).toMatch(/^lakebook-databricks-sign-in=; .*Max-Age=0/);

    // The real answer works once; the same code again is refused by the workspace.
    expect((await callback(alice, search, cookieOf(started))).status).toBe(302);
    expect(problem(await callback(alice, search, cookieOf(started))).error).toBe("refused");
    const events = await auditLog(admin, { action: "connect with databricks" }, { limit: 10 });
    expect(events.events.map((e) => [e.status, e.detail])).toEqual(
      expect.arrayContaining([
        [422, expect.stringMatching(/state mismatch/)],
        [422, expect.stringMatching(/invalid_grant/)],
        [403, expect.stringMatching(/started by another Lakebook member/)],
      ]),
    );
  });

  it("sends a denied consent back into the app with our words for it, where the sign-in started", async () => {
    const started = await start(alice, connectionId, "/notebooks");
    const location = started.headers.get("location") ?? "";
    const form = new URLSearchParams(new URL(location).searchParams);
    form.set("decision", "deny");
    const denied = await callback(
      alice,
      new URL(await post(new URL("/oidc/v1/authorize", location).toString(), form.toString())).search,
      cookieOf(started),
    );
    expect(problem(denied)).toEqual({ status: 302, error: "denied", next: "/notebooks" });
    expect(databricksSignInErrorText("denied")).toBe("The sign-in to Databricks was cancelled or denied.");
  });

  it("never carries the workspace's words (or a link's) into the app: only a code of ours", async () => {
    const started = await start(alice, connectionId, "/notebooks");
    const state = new URL(started.headers.get("location") ?? "").searchParams.get("state") ?? "";
    const hostile = new URLSearchParams({
      error: "server_error",
      error_description: `<script>alert(1)</script><a href="//evil.example">`,
      state,
    });
    const answer = await callback(alice, `?${hostile}`, cookieOf(started));
    expect(problem(answer)).toEqual({ status: 302, error: "refused", next: "/notebooks" });
    expect(answer.headers.get("location")).not.toMatch(/script|evil/);
    // The page reads a code from its URL, which anyone can write: only our own codes have words.
    for (const code of ["<script>alert(1)</script>", "toString", "__proto__", "", undefined, ["denied"]])
      expect(databricksSignInErrorText(code)).toBe(DATABRICKS_SIGN_IN_ERRORS.failed);
  });

  it("says the workspace could not be reached when its sign-in cannot start, or refused the app's client", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const nowhere = (await saveConnection(admin, { ...u2mInput("Nowhere"), port: closed })).id;
    expect(problem(await start(alice, nowhere, "/notebooks"))).toEqual({
      status: 302,
      error: "unreachable",
      next: "/notebooks",
    });

    // An app the workspace does not know: the token exchange is refused (invalid_client).
    const stranger = (await saveConnection(admin, { ...u2mInput("Unknown app"), clientId: "not-registered" })).id;
    const started = await start(alice, stranger);
    const state = new URL(started.headers.get("location") ?? "").searchParams.get("state") ?? "";
    const answer = await callback(alice, `?${new URLSearchParams({ code: "any", state })}`, cookieOf(started));
    expect(problem(answer).error).toBe("client");
  });

  it("returns only to a path of this server", async () => {
    for (const next of ["//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"])
      expect((await connect(alice, "alice@workspace.example", connectionId, next)).headers.get("location")).toBe("/");
  });

  it("takes 1 MiB of the worst characters as a return path, a connection id or a cookie without harm", async () => {
    // What a browser sends: lone surrogates become U+FFFD when a URL or header is encoded.
    const worst = worstText(1 << 20).replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
    expect((await connect(alice, "alice@workspace.example", connectionId, worst)).headers.get("location")).toBe("/");
    expect(problem(await start(alice, worst.slice(0, 4096))).error).toBe("not-found");
    const started = await start(alice, connectionId);
    const search = await workspaceSignIn(started.headers.get("location") ?? "", "alice@workspace.example");
    const cookieName = cookieOf(started).split("=")[0];
    const garbage = await callback(alice, search, `${cookieName}=${encodeURIComponent(worst)}`);
    expect(problem(garbage).error).toBe("expired");
  });

  it("answers a connection the member may not use, or that is not user-to-machine, exactly like a missing one", async () => {
    const carols = (await saveConnection(admin, u2mInput("Admin's own", "personal"))).id;
    const token = await saveConnection(admin, {
      ...u2mInput("Token"),
      authType: "token",
      secret: "dapi-0123456789abcdef",
    });
    const missing = await start(alice, "no-such-connection");
    const answers = [await start(alice, carols), await start(alice, token.id), missing];
    expect(new Set(answers.map((a) => a.headers.get("location"))).size).toBe(1);
    expect(problem(missing)).toEqual({ status: 302, error: "not-found", next: "/queries/q1?tab=2" });
    expect(answers.every((a) => a.headers.get("set-cookie") === null)).toBe(true);
  });

  it("disconnects, closes the engine, and forgets sign-ins when a member is disabled or the connection moves", async () => {
    await signIns.disconnectDatabricks(alice, connectionId);
    expect(await stored(alice)).toBeNull();
    await expect(engineFor(alice, connectionId)).rejects.toMatchObject({ code: "databricks-sign-in" });
    await expect(signIns.disconnectDatabricks(alice, connectionId)).rejects.toMatchObject({ code: "not-found" });

    // A disconnect through another server sharing the store (nothing forgotten in this process) counts at once.
    expect((await connect(alice, "alice@workspace.example")).status).toBe(302);
    expect((await run(alice, "SELECT 'before' AS who")).status).toBe("succeeded");
    await store.deleteMemberToken((await runtime()).db, connectionId, alice.id);
    await expect(engineFor(alice, connectionId)).rejects.toMatchObject({ code: "databricks-sign-in" });

    expect(await stored(bob)).not.toBeNull();
    await changeMember((await runtime()).db, bob.id, { disabled: true });
    expect(await stored(bob)).toBeNull();
    await changeMember((await runtime()).db, bob.id, { disabled: false });

    expect((await connect(alice, "alice@workspace.example")).status).toBe(302);
    await saveConnection(admin, { ...u2mInput("Workspace"), id: connectionId, clientId: "another-app" });
    expect(await stored(alice)).toBeNull();
  });

  it("keys:reseal seals members' sign-ins again under a new key, and removes those no key opens", async () => {
    const { resealAll, memberTokenContext } = await import("@/lib/server/crypto/reseal");
    const { open } = await import("@/lib/server/crypto/seal");
    const { db, keys } = await runtime();
    const { sealRefreshToken } = await import("@/lib/server/connections/member-oauth");
    await store.upsertMemberToken(db, {
      connectionId,
      userId: alice.id,
      sealedRefreshToken: await sealRefreshToken(connectionId, alice.id, "alice's refresh token"),
      workspaceUser: "alice@workspace.example",
    });
    await store.upsertMemberToken(db, {
      connectionId,
      userId: bob.id,
      sealedRefreshToken: "v1.not.sealed.at-all",
      workspaceUser: "bob@workspace.example",
    });
    const next = randomBytes(32);
    const report = await resealAll(db, { current: next, previous: keys.current, source: "environment" });
    expect([report.signInsResealed, report.signInsDropped]).toEqual([1, 1]);
    const resealed = await stored(alice);
    expect(open(next, resealed?.sealedRefreshToken ?? "", memberTokenContext(connectionId, alice.id))).toBe(
      "alice's refresh token",
    );
    expect(await stored(bob)).toBeNull();
  });
});
