import { randomUUID } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import type { TokenScope } from "@/lib/api-tokens";
import type { Level } from "@/lib/sharing";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);
process.env.LAKEBOOK_API_REQUESTS_PER_MINUTE = "1000";

const tokens = await import("@/lib/server/auth/api-tokens");
const queries = await import("@/lib/server/queries");
const sharing = await import("@/lib/server/sharing");
const { changeMember } = await import("@/lib/server/members");
const { auditLog } = await import("@/lib/server/audit");
const { openApiDocument } = await import("@/lib/server/api/openapi");
const { runtime } = await import("@/lib/server/runtime");
const { apiTokens } = await import("@/lib/server/db/schema");
const { eq } = await import("drizzle-orm");
const routes = {
  queries: await import("@/app/api/v1/queries/route"),
  query: await import("@/app/api/v1/queries/[id]/route"),
  queryFile: await import("@/app/api/v1/queries/[id]/[file]/route"),
  queryRuns: await import("@/app/api/v1/queries/[id]/runs/route"),
  statements: await import("@/app/api/v1/statements/route"),
  run: await import("@/app/api/v1/runs/[id]/route"),
  runFile: await import("@/app/api/v1/runs/[id]/[file]/route"),
  unknown: await import("@/app/api/v1/[...rest]/route"),
};

const BASE = "http://127.0.0.1:3999";
type User = Awaited<ReturnType<typeof createTestUser>>;
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler as Next.js does: a Request and its path's parameters. */
async function call(
  handler: Handler,
  path: string,
  params: Record<string, string>,
  init: {
    token?: string | null;
    method?: string;
    body?: unknown;
    signal?: AbortSignal;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await handler(
    new Request(`${BASE}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
      signal: init.signal,
    }),
    { params: Promise.resolve(params) },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** The owner's pull of the tricky query's CSV with this query string. */
function pull(qs: string) {
  return call(
    routes.queryFile.GET as Handler,
    `/api/v1/queries/${queryId}/results.csv?${qs}`,
    { id: queryId, file: "results.csv" },
    { token: ownerToken },
  );
}

async function tokenFor(user: User, scopes: TokenScope[] = ["read", "run", "sql"], days = 30) {
  return (await tokens.createApiToken(user, { name: `t-${randomUUID().slice(0, 6)}`, days, scopes })).token;
}

const TRICKY_SQL = `SELECT 9223372036854775807::BIGINT AS big,
  12345678901234567890123456789.123456789::DECIMAL(38,9) AS dec,
  TIMESTAMP '2024-02-29 23:59:59.123456' AS ts,
  'a,"b"\n=c' AS txt,
  :day::DATE AS day`;

let owner: User;
let admin: User;
let ownerToken: string;
let queryId: string;

beforeAll(async () => {
  owner = await createTestUser("member", "api-owner");
  admin = await createTestUser("admin", "api-admin");
  await (await runtime()).engine.testConnection();
  ownerToken = await tokenFor(owner);
  const query = await queries.createQuery(owner, {
    title: "Tricky values",
    description: "",
    sql: TRICKY_SQL,
    connectionId: "builtin",
    parameters: [{ name: "day", type: "date", value: "2024-01-31" }],
  });
  queryId = query.id;
}, 120_000);

describe("tokens", () => {
  it("are lkb_ and 43 URL-safe characters, stored only as a hash, shown once", async () => {
    const created = await tokens.createApiToken(owner, { name: "laptop", days: 90, scopes: ["read"] });
    expect(created.token).toMatch(/^lkb_[A-Za-z0-9_-]{43}$/);
    const { db } = await runtime();
    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, created.view.id));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(4));
    expect(row.tokenHash).toBe(tokens.hashToken(created.token));
    const listed = await tokens.listTokens(owner, false);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(4));
    expect(listed.find((t) => t.id === created.view.id)).toMatchObject({
      name: "laptop",
      scopes: ["read"],
      state: "active",
    });
  });

  it("are accepted only in the Authorization header: one in the URL is refused as leaked", async () => {
    const token = await tokenFor(owner, ["read"]);
    for (const query of [`token=${token}`, `access_token=${token}`, `${token}`, `auth=Bearer%20${token}`]) {
      const res = await call(routes.queries.GET as Handler, `/api/v1/queries?${query}`, {}, { token });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json().detail).toMatch(/only in the Authorization header.*may have leaked/);
    }
    // Without the header too, and a value that merely starts with lkb_ is a value.
    expect((await call(routes.queries.GET as Handler, `/api/v1/queries?token=${token}`, {})).status).toBe(400);
    expect((await call(routes.queries.GET as Handler, "/api/v1/queries?search=lkb_sales", {}, { token })).status).toBe(
      200,
    );
  });

  it("refuses a missing, malformed, unknown, revoked or expired token, and one of a disabled member", async () => {
    const q = (token?: string | null, headers?: Record<string, string>) =>
      call(routes.queries.GET as Handler, "/api/v1/queries", {}, { token, headers });
    const missing = await q(null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await q(null, { authorization: "Basic Zm9vOmJhcg==" })).status).toBe(401);
    expect((await q(`lkb_${"A".repeat(43)}`)).json().detail).toMatch(/not valid/);
    expect((await q("x".repeat(1024 * 1024))).status).toBe(401);

    const revoked = await tokenFor(owner, ["read"]);
    const id = (await tokens.listTokens(owner, false)).find(
      (t) => t.state === "active" && revoked.startsWith(t.prefix),
    )?.id;
    await tokens.revokeToken(owner, id as string);
    expect((await q(revoked)).json().detail).toMatch(/revoked/);

    const expired = await tokenFor(owner, ["read"]);
    const { db } = await runtime();
    await db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.tokenHash, tokens.hashToken(expired)));
    expect((await q(expired)).json().detail).toMatch(/expired/);

    const leaver = await createTestUser("member");
    const theirs = await tokenFor(leaver, ["read"]);
    expect((await q(theirs)).status).toBe(200);
    await changeMember(db, leaver.id, { disabled: true });
    const refused = await q(theirs);
    expect(refused.status).toBe(401);
    expect(refused.json().detail).toMatch(/disabled/);
  });

  it("are revoked by their member or an admin, and no one else", async () => {
    const token = (await tokens.createApiToken(owner, { name: "x", days: 1, scopes: ["read"] })).view;
    const stranger = await createTestUser("member");
    await expect(tokens.revokeToken(stranger, token.id)).rejects.toThrow(/No such token/);
    await expect(tokens.listTokens(stranger, true)).rejects.toThrow(/Only an admin/);
    expect((await tokens.listTokens(admin, true)).some((t) => t.id === token.id)).toBe(true);
    await tokens.revokeToken(admin, token.id);
    expect((await tokens.listTokens(owner, false)).find((t) => t.id === token.id)?.state).toBe("revoked");
  });
});

describe("the result API", () => {
  it("pulls a saved query's result with its parameters, values exact", async () => {
    const res = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${queryId}/results.csv?p.day=2024-03-01`,
      {
        id: queryId,
        file: "results.csv",
      },
      { token: ownerToken },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.text).toBe(
      'big,dec,ts,txt,day\r\n9223372036854775807,12345678901234567890123456789.123456789,2024-02-29 23:59:59.123456,"a,""b""\n=c",2024-03-01\r\n',
    );
    const json = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${queryId}/results.json`,
      {
        id: queryId,
        file: "results.json",
      },
      { token: ownerToken },
    );
    expect(json.json()).toEqual([
      {
        big: "9223372036854775807",
        dec: "12345678901234567890123456789.123456789",
        ts: "2024-02-29 23:59:59.123456",
        txt: 'a,"b"\n=c',
        day: "2024-01-31",
      },
    ]);
  });

  it("streams Arrow IPC with exact types, batch after batch", async () => {
    const { Arrow } = await import("@/lib/server/arrow");
    const sql = `SELECT range AS n, 9223372036854775807::BIGINT - range AS big,
      (-12345678901234567890123456789.123456789)::DECIMAL(38,9) AS dec,
      TIMESTAMP '2024-02-29 23:59:59.123456' + INTERVAL (range) MICROSECOND AS ts,
      DATE '2024-01-01' + range::INT AS day, range % 2 = 0 AS even, range * 0.5 AS half,
      CASE WHEN range % 3 = 0 THEN NULL ELSE 'v' || range END AS txt,
      170141183460469231731687303715884105727::HUGEINT AS huge, INTERVAL 1 DAY AS span
      FROM range(70000)`;
    const started = await call(
      routes.statements.POST as Handler,
      "/api/v1/statements",
      {},
      {
        token: ownerToken,
        method: "POST",
        body: { connection: "builtin", sql },
      },
    );
    const id = started.json().id;
    await call(routes.run.GET as Handler, `/api/v1/runs/${id}?wait=60`, { id }, { token: ownerToken });
    const response = await (routes.runFile.GET as Handler)(
      new Request(`${BASE}/api/v1/runs/${id}/results.arrow`, { headers: { authorization: `Bearer ${ownerToken}` } }),
      { params: Promise.resolve({ id, file: "results.arrow" }) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.apache.arrow.stream");
    const table = Arrow.tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.numRows).toBe(70000);
    expect(table.batches.length).toBeGreaterThan(1);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "n:Int64",
      "big:Int64",
      "dec:Decimal[38e+9]",
      "ts:Timestamp<MICROSECOND>",
      "day:Date32<DAY>",
      "even:Bool",
      "half:Decimal[21e+1]",
      "txt:Utf8",
      "huge:Utf8",
      "span:Utf8",
    ]);
    const last = table.get(69999)?.toJSON() as Record<string, unknown>;
    expect(last.n).toBe(69999n);
    expect(last.big).toBe(9223372036854775807n - 69999n);
    // Timestamps are 64-bit microseconds (apache-arrow reads them as pairs of 32-bit words).
    const ts = table.getChild("ts")?.data[0].values as Int32Array;
    expect(BigInt(ts[2] >>> 0) | (BigInt(ts[3]) << 32n)).toBe(1709251199123457n);
    expect(last.txt).toBeNull(); // 69,999 is a multiple of 3
    expect(table.get(69998)?.toJSON().txt).toBe("v69998");
    expect(table.get(0)?.toJSON().txt).toBeNull();
    expect(last.huge).toBe("170141183460469231731687303715884105727");
    expect(last.span).toBe("1 day");
    expect(last.even).toBe(false);
    // Decimal128: the unscaled value as four 32-bit words, little-endian, two's complement.
    const words = table.getChild("dec")?.data[0].values as Uint32Array;
    const unscaled = BigInt.asIntN(
      128,
      [0, 1, 2, 3].reduce((acc, k) => acc | (BigInt(words[k]) << BigInt(32 * k)), 0n),
    );
    expect(unscaled).toBe(-12345678901234567890123456789123456789n);
    const day = table.getChild("day")?.data[0].values as Int32Array;
    expect(day[0]).toBe(19723);
  });

  it("refuses parameters the query does not declare, and values of the wrong type", async () => {
    const unknown = await pull("p.nope=1");
    expect(unknown.status).toBe(400);
    expect(unknown.json().detail).toMatch(/no parameter named "nope".*day/);
    const bad = await pull("p.day=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.json().detail).toMatch(/day/);
    expect((await pull(`p.day=${"9".repeat(20_000)}`)).status).toBe(400);
    expect((await pull("max_age=soon")).status).toBe(400);
  });

  it("reuses a recent result with max_age when its parameters match, and runs again when they do not", async () => {
    const first = await pull("p.day=2024-05-05");
    const again = await pull("p.day=2024-05-05&max_age=3600");
    expect(again.headers.get("lakebook-run")).toBe(first.headers.get("lakebook-run"));
    const other = await pull("p.day=2024-05-06&max_age=3600");
    expect(other.headers.get("lakebook-run")).not.toBe(first.headers.get("lakebook-run"));
    // A viewer's read-only token may read a recent result, not run the query.
    const viewer = await createTestUser("member");
    await sharing.share(owner, "query", queryId, { kind: "user", id: viewer.id }, "view");
    const readOnly = await tokenFor(viewer, ["read"]);
    const reused = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${queryId}/results.csv?p.day=2024-05-06&max_age=3600`,
      { id: queryId, file: "results.csv" },
      { token: readOnly },
    );
    expect(reused.status).toBe(200);
    const fresh = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${queryId}/results.csv?p.day=2024-05-07`,
      { id: queryId, file: "results.csv" },
      { token: readOnly },
    );
    expect(fresh.status).toBe(403);
  });

  it("starts runs, waits for them, pages JSON with offset and limit, and cancels", async () => {
    const started = await call(
      routes.statements.POST as Handler,
      "/api/v1/statements",
      {},
      {
        token: ownerToken,
        method: "POST",
        body: {
        connection: "builtin",
        sql: "SELECT range AS n, :tag AS tag FROM range(25) WHERE range NOT IN (:skip)",
        parameters: { tag: "x", skip: { type: "multi", value: ["1", "2"] } },
      },
      },
    );
    expect(started.status).toBe(202);
    const run = started.json();
    const ended = await call(
      routes.run.GET as Handler,
      `/api/v1/runs/${run.id}?wait=30`,
      { id: run.id },
      { token: ownerToken },
    );
    expect(ended.json()).toMatchObject({ status: "succeeded", rows: 23, truncated: false });
    const page = await call(
      routes.runFile.GET as Handler,
      `/api/v1/runs/${run.id}/results.json?offset=18&limit=3`,
      { id: run.id, file: "results.json" },
      { token: ownerToken },
    );
    // BIGINT is written as text in JSON, so that no value past 2^53 is rounded.
    expect(page.json()).toEqual(["20", "21", "22"].map((n) => ({ n, tag: "x" })));
    expect(
      (
        await call(
          routes.runFile.GET as Handler,
          `/api/v1/runs/${run.id}/results.csv?limit=3`,
          { id: run.id, file: "results.csv" },
          { token: ownerToken },
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          routes.runFile.GET as Handler,
          `/api/v1/runs/${run.id}/results.xlsx`,
          { id: run.id, file: "results.xlsx" },
          { token: ownerToken },
        )
      ).status,
    ).toBe(404);

    const slow = await call(
      routes.statements.POST as Handler,
      "/api/v1/statements",
      {},
      {
        token: ownerToken,
        method: "POST",
        body: { connection: "builtin", sql: "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b" },
      },
    );
    const cancelled = await call(
      routes.run.DELETE as Handler,
      `/api/v1/runs/${slow.json().id}`,
      { id: slow.json().id },
      { token: ownerToken, method: "DELETE" },
    );
    expect(cancelled.status).toBe(202);
    expect(cancelled.json().status).toBe("cancelled");
  });

  it("cancels the run a results pull started when its client goes away", async () => {
    const slowQuery = await queries.createQuery(owner, {
      title: "slow",
      description: "",
      sql: "SELECT sum(a.range * b.range) AS s FROM range(300000) a, range(300000) b",
      connectionId: "builtin",
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const res = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${slowQuery.id}/results.csv`,
      { id: slowQuery.id, file: "results.csv" },
      { token: ownerToken, signal: controller.signal },
    );
    expect(res.status).toBe(499);
    const { db } = await runtime();
    const { runs } = await import("@/lib/server/db/schema");
    const [row] = await db.select().from(runs).where(eq(runs.queryId, slowQuery.id));
    expect(row.status).toBe("cancelled");
  });

  it("refuses bodies that are not what a statement needs", async () => {
    const post = (body: unknown) =>
      call(routes.statements.POST as Handler, "/api/v1/statements", {}, { token: ownerToken, method: "POST", body });
    expect((await post("not json")).json().detail).toMatch(/not JSON/);
    expect((await post([1])).status).toBe(400);
    expect((await post({ connection: "builtin" })).status).toBe(400);
    expect((await post({ connection: "nope", sql: "SELECT 1" })).status).toBe(404);
    expect(
      (await post({ connection: "builtin", sql: "SELECT 1", parameters: { a: { type: "query", value: "x" } } })).status,
    ).toBe(400);
    const huge = await post({ connection: "builtin", sql: `SELECT '${"\u202e'/*".repeat(700_000)}'` });
    expect(huge.status).toBe(413);
    const sandbox = await post({ connection: "builtin", sql: "ATTACH '/tmp/x.db' AS x" });
    expect(sandbox.status).toBe(202);
    const settled = await call(
      routes.run.GET as Handler,
      `/api/v1/runs/${sandbox.json().id}?wait=10`,
      { id: sandbox.json().id },
      { token: ownerToken },
    );
    expect(settled.json()).toMatchObject({ status: "failed" });
  });
});

describe("who may do what", () => {
  type Who = "none" | Level | "owner" | "admin";
  const WHO: Who[] = ["none", "view", "run", "edit", "owner", "admin"];
  const SCOPES: TokenScope[][] = [["read"], ["run"], ["sql"], ["read", "run", "sql"]];

  /** The status each endpoint must answer, by the member's level on the query and the token's scopes. */
  function expected(endpoint: string, who: Who, scopes: TokenScope[]): number {
    const sees = who !== "none";
    const runs = ["run", "edit", "owner", "admin"].includes(who);
    switch (endpoint) {
      case "get":
      case "results-stale":
        if (!scopes.includes("read")) return 403;
        if (!sees) return 404;
        if (endpoint === "results-stale") return scopes.includes("run") ? (runs ? 200 : 403) : 403;
        return 200;
      case "start":
        if (!scopes.includes("run")) return 403;
        if (!sees) return 404;
        return runs ? 202 : 403;
      case "run-status":
        if (!scopes.includes("read")) return 403;
        return sees ? 200 : 404;
      default:
        throw new Error(endpoint);
    }
  }

  it.each(WHO)(
    "level %s, every scope, every endpoint",
    async (who) => {
      const marker = randomUUID().slice(0, 8);
      const query = await queries.createQuery(owner, {
        title: `m ${marker}`,
        description: "",
        sql: `SELECT '${marker}' AS m`,
        connectionId: "builtin",
      });
      let user: User;
      if (who === "owner") user = owner;
      else if (who === "admin") user = admin;
      else {
        user = await createTestUser("member");
        if (who !== "none") await sharing.share(owner, "query", query.id, { kind: "user", id: user.id }, who);
      }
      const ownRun = (
        await call(
          routes.queryRuns.POST as Handler,
          `/api/v1/queries/${query.id}/runs`,
          { id: query.id },
          { token: ownerToken, method: "POST" },
        )
      ).json();
      await call(
        routes.run.GET as Handler,
        `/api/v1/runs/${ownRun.id}?wait=30`,
        { id: ownRun.id },
        { token: ownerToken },
      );
      for (const scopes of SCOPES) {
        const token = await tokenFor(user, scopes);
        const got = {
          get: (await call(routes.query.GET as Handler, `/api/v1/queries/${query.id}`, { id: query.id }, { token }))
            .status,
          "results-stale": (
            await call(
              routes.queryFile.GET as Handler,
              `/api/v1/queries/${query.id}/results.csv`,
              { id: query.id, file: "results.csv" },
              { token },
            )
          ).status,
          start: (
            await call(
              routes.queryRuns.POST as Handler,
              `/api/v1/queries/${query.id}/runs`,
              { id: query.id },
              { token, method: "POST" },
            )
          ).status,
          "run-status": (
            await call(routes.run.GET as Handler, `/api/v1/runs/${ownRun.id}`, { id: ownRun.id }, { token })
          ).status,
        };
        const want = Object.fromEntries(Object.keys(got).map((k) => [k, expected(k, who, scopes)]));
        expect({ who, scopes, ...got }).toEqual({ who, scopes, ...want });
        // The list shows exactly the queries the member can view.
        if (scopes.includes("read")) {
          const listed = (
            await call(routes.queries.GET as Handler, `/api/v1/queries?search=${marker}`, {}, { token })
          ).json();
          expect(listed.queries.map((q: { id: string }) => q.id)).toEqual(who === "none" ? [] : [query.id]);
        }
      }
    },
    120_000,
  );

  it("answers a path that is not a route with a problem, not the app's page", async () => {
    const res = await call(routes.unknown.GET as Handler, "/api/v1/querys", { rest: "querys" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.json().detail).toContain("/api/v1/openapi.json");
  });

  it("answers forged ids exactly like missing ones", async () => {
    const forged = ["0".repeat(32), "../../etc/passwd", "' OR 1=1 --", "x".repeat(100_000), randomUUID()];
    for (const id of forged) {
      const a = await call(routes.query.GET as Handler, "/api/v1/queries/x", { id }, { token: ownerToken });
      const b = await call(routes.run.GET as Handler, "/api/v1/runs/x", { id }, { token: ownerToken });
      const c = await call(
        routes.runFile.GET as Handler,
        "/api/v1/runs/x/results.csv",
        { id, file: "results.csv" },
        { token: ownerToken },
      );
      expect([a.status, b.status, c.status]).toEqual([404, 404, 404]);
      expect(a.json().detail).toBe(b.json().detail);
    }
  });
});

describe("the audit log", () => {
  it("records each call: who, token, action, object, rows, bytes and status", async () => {
    const token = await tokenFor(owner, ["read", "run"]);
    const res = await call(
      routes.queryFile.GET as Handler,
      `/api/v1/queries/${queryId}/results.csv`,
      { id: queryId, file: "results.csv" },
      { token },
    );
    await call(routes.queries.GET as Handler, `/api/v1/queries?token=${token}`, {});
    await new Promise((r) => setTimeout(r, 200));
    const { events } = await auditLog(admin, { userId: owner.id, via: "api" }, { limit: 50 });
    const pull = events.find((e) => e.action === "GET /api/v1/queries/{id}/results" && e.status === 200);
    expect(pull).toMatchObject({ objectType: "query", objectId: queryId, rows: 1, bytes: Buffer.byteLength(res.text) });
    expect(pull?.tokenId).toBeTruthy();
    expect(events.find((e) => e.status === 400)?.detail).toMatch(/may have leaked/);
    await expect(auditLog(owner, {}, { limit: 10 })).rejects.toThrow(/Only an admin/);
  });
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1, and every operation it lists answers as documented", async () => {
    const doc = openApiDocument(BASE);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const run = (
      await call(
        routes.queryRuns.POST as Handler,
        `/api/v1/queries/${queryId}/runs`,
        { id: queryId },
        { token: ownerToken, method: "POST" },
      )
    ).json();
    await call(routes.run.GET as Handler, `/api/v1/runs/${run.id}?wait=30`, { id: run.id }, { token: ownerToken });
    const handlers: Record<string, Handler> = {
      "/api/v1/queries get": routes.queries.GET as Handler,
      "/api/v1/queries/{id} get": routes.query.GET as Handler,
      "/api/v1/queries/{id}/{file} get": routes.queryFile.GET as Handler,
      "/api/v1/queries/{id}/runs post": routes.queryRuns.POST as Handler,
      "/api/v1/statements post": routes.statements.POST as Handler,
      "/api/v1/runs/{id} get": routes.run.GET as Handler,
      "/api/v1/runs/{id} delete": routes.run.DELETE as Handler,
      "/api/v1/runs/{id}/{file} get": routes.runFile.GET as Handler,
    };
    const walked: { action: string; status: number }[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<
          string,
          {
            responses: Record<string, { content?: Record<string, unknown> }>;
            parameters?: Array<{ name: string; schema: { enum?: string[] } }>;
          }
        >,
      )) {
        const handler = handlers[`${path} ${method}`];
        expect(handler, `${method} ${path} has a route`).toBeDefined();
        const files = operation.parameters?.find((p) => p.name === "file")?.schema.enum ?? [undefined];
        for (const file of files) {
          const id = path.startsWith("/api/v1/runs") ? run.id : queryId;
          const params: Record<string, string> = { id, ...(file ? { file } : {}) };
          const concrete = path.replace("{id}", id).replace("{file}", file ?? "");
          const body =
            path === "/api/v1/statements"
              ? { connection: "builtin", sql: "SELECT 1 AS one" }
              : method === "post"
                ? {}
                : undefined;
          const res = await call(handler, concrete, params, { token: ownerToken, method: method.toUpperCase(), body });
          const documented = operation.responses[String(res.status)];
          expect(documented, `${method} ${concrete} answered ${res.status}: ${res.text.slice(0, 200)}`).toBeDefined();
          const type = res.headers.get("content-type")?.split(";")[0] ?? "";
          if (documented.content) expect(Object.keys(documented.content)).toContain(type);
          walked.push({ action: `${method.toUpperCase()} ${path.replace("/{file}", "/results")}`, status: res.status });
        }
      }
    }
    expect(walked.length).toBeGreaterThanOrEqual(16);
    // Each of those calls is in the audit log, with its answer's status.
    await new Promise((r) => setTimeout(r, 300));
    const { events } = await auditLog(admin, { userId: owner.id, via: "api" }, { limit: 500 });
    for (const { action, status } of walked) {
      expect(
        events.some((e) => e.action === action && e.status === status),
        `audit event for ${action} ${status}`,
      ).toBe(true);
    }
  }, 120_000);
});
