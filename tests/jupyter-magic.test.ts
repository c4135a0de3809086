import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSource } from "@/lib/notebooks/formats/ipynb-connect";

/**
 * The Jupyter export's connect cell (through Lakebook's API), run by Debian's
 * Python with requests and pandas against a loopback server that answers as
 * /work/api-contract.md describes `/api/v1` (statements, runs with long
 * polling, CSV results, problem+json errors). IPython is not installed here,
 * so `register_cell_magic` is given as the identity: the cell's function is
 * then called as IPython would call it. When the real API is in the app,
 * this test should run against it instead of this server.
 */

const TOKEN = `lkb_${"A".repeat(43)}`;
const CSV =
  "id,big_id,amount,happened_at,text_value,label\r\n" +
  '1,9007199254740993,1234567890123456789012345678.0123456789,2024-02-29 23:59:59.999999,"line one\nline two",NA\r\n' +
  "2,-9223372036854775808,-0.5,1970-01-01 00:00:00.000001,Grüße – 東京 🚕,null\r\n" +
  '3,,,,"she said ""hi""",""\r\n';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let polls = 0;

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? null : JSON.parse(text);
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = request.url ?? "";
    const entry: Seen = {
      method: request.method ?? "",
      url,
      auth: request.headers.authorization,
      body: await body(request),
    };
    seen.push(entry);
    const json = (status: number, value: unknown, type = "application/json") => {
      response.writeHead(status, { "Content-Type": type });
      response.end(JSON.stringify(value));
    };
    if (entry.auth !== `Bearer ${TOKEN}`) return json(401, { title: "Unauthorized", status: 401, detail: "No token." });
    const run = (id: string, status: string, extra: object = {}) => ({
      id,
      status,
      error: null,
      rows: null,
      truncated: false,
      columns: null,
      links: { self: `${base}/api/v1/runs/${id}`, results: { csv: `/api/v1/runs/${id}/results.csv` } },
      ...extra,
    });
    if (request.method === "POST" && url === "/api/v1/statements") {
      const sql = (entry.body as { sql: string }).sql;
      if (sql.includes("forbidden")) {
        return json(
          404,
          { type: "about:blank", title: "Not found", status: 404, detail: "No such connection." },
          "application/problem+json",
        );
      }
      const id = sql.includes("boom") ? "failing" : sql.includes("create") ? "ddl" : "tricky";
      return json(202, run(id, "running"));
    }
    const poll = /^\/api\/v1\/runs\/(\w+)\?wait=30$/.exec(url);
    if (request.method === "GET" && poll) {
      polls++;
      const id = poll[1];
      // Still running at the first poll: the magic must keep waiting.
      if (id === "tricky" && polls % 2 === 1) return json(200, run(id, "running"));
      if (id === "failing") return json(200, run(id, "failed", { error: { message: 'Binder Error: "boom"' } }));
      if (id === "ddl") return json(200, run(id, "succeeded", { columns: [] }));
      return json(200, run(id, "succeeded", { rows: 3, columns: [{ name: "id", type: "INTEGER" }] }));
    }
    if (request.method === "GET" && url === "/api/v1/runs/tricky/results.csv") {
      // No charset: requests would guess ISO-8859-1 for text/*.
      response.writeHead(200, { "Content-Type": "text/csv" });
      return response.end(Buffer.from(CSV, "utf8"));
    }
    json(404, { title: "Not found", status: 404, detail: "Not found." }, "application/problem+json");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs the connect cell, then calls its magic on each SQL text; prints each result (or error) as JSON. */
async function runMagic(sqls: { line: string; cell: string }[]): Promise<unknown[]> {
  const source = connectSource({ kind: "lakebook", baseUrl: base, connectionId: "builtin" }, [
    { name: "start", type: "date", value: "2024-02-29" },
  ]);
  const driver = `
import json, sys, types
magic = types.ModuleType("IPython.core.magic")
magic.register_cell_magic = lambda f: f
for name in ("IPython", "IPython.core"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["IPython.core.magic"] = magic
namespace = {}
exec(compile(${JSON.stringify(source)}, "connect-cell", "exec"), namespace)
out = []
for call in json.loads(sys.argv[1]):
    try:
        frame = namespace["sql"](call["line"], call["cell"])
        out.append(None if frame is None else {"columns": list(frame.columns), "rows": frame.astype(object).where(frame.notna(), None).values.tolist()})
    except RuntimeError as error:
        out.append({"error": str(error)})
print(json.dumps(out))
`;
  const { stdout } = await promisify(execFile)("/usr/bin/python3", ["-c", driver, JSON.stringify(sqls)], {
    // Only what the cell needs: no PYTHONPATH of another Python.
    env: { NODE_ENV: "test", PATH: "/usr/bin:/bin", LAKEBOOK_TOKEN: TOKEN },
  });
  return JSON.parse(stdout);
}

describe("the connect cell's %%sql magic, run by Python", () => {
  it("posts the cell, waits for the run, and returns the CSV as a DataFrame of exact text", async () => {
    const results = await runMagic([
      { line: "", cell: "select * from tricky\nwhere day = :start" },
      { line: "conn-2 ", cell: "create table t (x int)" },
      { line: "", cell: "select boom, ':startx', a::start" },
      { line: "", cell: "select forbidden" },
    ]);
    expect(results[0]).toEqual({
      columns: ["id", "big_id", "amount", "happened_at", "text_value", "label"],
      rows: [
        [
          "1",
          "9007199254740993",
          "1234567890123456789012345678.0123456789",
          "2024-02-29 23:59:59.999999",
          "line one\nline two",
          "NA",
        ],
        ["2", "-9223372036854775808", "-0.5", "1970-01-01 00:00:00.000001", "Grüße – 東京 🚕", "null"],
        // pandas reads both NULL and "" as missing.
        ["3", null, null, null, 'she said "hi"', null],
      ],
    });
    expect(results[1]).toBeNull();
    expect(results[2]).toEqual({ error: 'Binder Error: "boom"' });
    expect(results[3]).toEqual({ error: "Lakebook answered 404: No such connection." });

    const posts = seen.filter((s) => s.method === "POST");
    // Only the parameters a cell names, typed as the API binds them.
    expect(posts.map((p) => p.body)).toEqual([
      {
        connection: "builtin",
        sql: "select * from tricky\nwhere day = :start",
        parameters: { start: { type: "date", value: "2024-02-29" } },
      },
      { connection: "conn-2", sql: "create table t (x int)", parameters: {} },
      { connection: "builtin", sql: "select boom, ':startx', a::start", parameters: {} },
      { connection: "builtin", sql: "select forbidden", parameters: {} },
    ]);
    // The token only ever travels in the header.
    for (const request of seen) {
      expect(request.auth).toBe(`Bearer ${TOKEN}`);
      expect(request.url).not.toContain(TOKEN);
    }
    expect(seen.filter((s) => s.url.startsWith("/api/v1/runs/tricky?wait=30"))).toHaveLength(2);
  }, 60_000);
});
