import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as WebStream } from "node:stream/web";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { NotebookCell } from "@/lib/notebooks/types";
import type { Cell } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { settleRun } from "./support/settle";
import { createTestUser } from "./support/users";

/**
 * The Jupyter export's connect cell, run by Debian's Python (requests,
 * pandas) against Lakebook's real /api/v1 route handlers (real token, real
 * DuckDB), served on a loopback port: each exported %%sql cell gives back the
 * cell's stored result, value for value. IPython is not installed here, so
 * `register_cell_magic` is given as the identity and the magic is called as
 * IPython calls it.
 */

prepareTempDataDir(1_000);
process.env.LAKEBOOK_API_REQUESTS_PER_MINUTE = "1000";

const notebooks = await import("@/lib/server/notebooks");
const runs = await import("@/lib/server/runs/runs");
const tokens = await import("@/lib/server/auth/api-tokens");
const { runtime } = await import("@/lib/server/runtime");
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const statements = (await import("@/app/api/v1/statements/route")).POST as Handler;
const run = (await import("@/app/api/v1/runs/[id]/route")).GET as Handler;
const runFile = (await import("@/app/api/v1/runs/[id]/[file]/route")).GET as Handler;

type User = Awaited<ReturnType<typeof createTestUser>>;
let alice: User;
let server: Server;
let base: string;

/** Routes a request to the app's own handler, as Next.js would. */
async function serve(incoming: IncomingMessage, outgoing: ServerResponse) {
  const path = new URL(incoming.url ?? "/", base).pathname;
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const request = new Request(`${base}${incoming.url}`, {
    method: incoming.method,
    headers: incoming.headers as Record<string, string>,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  });
  const runPath = /^\/api\/v1\/runs\/([^/]+)$/.exec(path);
  const filePath = /^\/api\/v1\/runs\/([^/]+)\/([^/]+)$/.exec(path);
  let response: Response;
  if (incoming.method === "POST" && path === "/api/v1/statements") {
    response = await statements(request, { params: Promise.resolve({}) });
  } else if (runPath) {
    response = await run(request, { params: Promise.resolve({ id: runPath[1] }) });
  } else if (filePath) {
    response = await runFile(request, { params: Promise.resolve({ id: filePath[1], file: filePath[2] }) });
  } else {
    response = new Response("no such route here", { status: 404 });
  }
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) Readable.fromWeb(response.body as WebStream).pipe(outgoing);
  else outgoing.end();
}

beforeAll(async () => {
  alice = await createTestUser("member", `alice-${randomUUID().slice(0, 6)}`);
  await (await runtime()).engine.testConnection();
  server = createServer((incoming, outgoing) => {
    serve(incoming, outgoing).catch((error) => {
      outgoing.writeHead(500);
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cell(source: string): NotebookCell {
  return { id: randomUUID(), kind: "sql", source, connectionId: null, chart: null };
}

/** Runs the exported connect cell, then each %%sql cell through its magic; the DataFrames as lists (NaN as null). */
async function runInPython(
  notebook: string,
  token: string,
  extra: { line: string; cell: string }[] = [],
): Promise<unknown[]> {
  const driver = `
import json, sys, types
magic = types.ModuleType("IPython.core.magic")
magic.register_cell_magic = lambda f: f
for name in ("IPython", "IPython.core"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["IPython.core.magic"] = magic
cells = json.load(sys.stdin)["cells"]
namespace = {}
exec(compile("".join(cells[0]["source"]), "connect-cell", "exec"), namespace)
calls = []
for cell in cells[1:]:
    first, _, body = "".join(cell["source"]).partition("\\n")
    calls.append({"line": first[len("%%sql"):], "cell": body})
out = []
for call in calls + json.loads(sys.argv[1]):
    try:
        frame = namespace["sql"](call["line"], call["cell"])
    except RuntimeError as error:
        out.append({"error": str(error)})
        continue
    out.append(None if frame is None else {"columns": list(frame.columns), "rows": frame.astype(object).where(frame.notna(), None).values.tolist()})
print(json.dumps(out))
`;
  const child = promisify(execFile)("/usr/bin/python3", ["-c", driver, JSON.stringify(extra)], {
    env: { NODE_ENV: "test", PATH: "/usr/bin:/bin", LAKEBOOK_TOKEN: token },
    maxBuffer: 64 * 1024 * 1024,
  });
  child.child.stdin?.end(notebook);
  return JSON.parse((await child).stdout);
}

it("each exported cell, run in Python through Lakebook's API, gives back the cell's stored result exactly", async () => {
  const cells = [
    cell("SELECT * FROM samples.demo.tricky_values ORDER BY id"),
    cell("SELECT :start AS day, :start + INTERVAL 1 DAY AS next, :n * 2 AS twice"),
  ];
  const nb = await notebooks.createNotebook(alice, {
    title: "Through the API",
    connectionId: "builtin",
    cells,
    parameters: [
      { name: "start", type: "date", value: "2024-02-29" },
      { name: "n", type: "number", value: "9007199254740993" },
    ],
  });
  const stored: Cell[][][] = [];
  for (const c of nb.cells) {
    const started = await notebooks.runCell(alice, nb.id, c.id, 50, nb.parameters);
    const done = await settleRun(runs.runState, alice, started.run.id);
    expect(done.status).toBe("succeeded");
    const page = await runs.readPage(alice, done.id, 0, 100, null);
    // A page cuts long values; the CSV has them whole.
    for (const at of page.clipped) {
      const [r, col] = at.split(":").map(Number);
      page.rows[r][col] = await runs.readCell(alice, done.id, page.rowIds[r], col);
    }
    stored.push(page.rows);
  }
  const file = await notebooks.exportNotebookFile(alice, nb.id, "ipynb", { connect: "lakebook", baseUrl: base });
  const token = (await tokens.createApiToken(alice, { name: "jupyter", days: 1, scopes: ["sql", "read"] })).token;
  expect(file.text).not.toContain(token);
  const answers = await runInPython(file.text, token, [
    { line: "", cell: "SELECT no_such_column FROM range(1)" },
    { line: " forged-connection", cell: "SELECT 1" },
    { line: "", cell: "CREATE TEMP TABLE t AS SELECT 1 AS x" },
  ]);
  const frames = answers.slice(0, 2) as { columns: string[]; rows: (string | null)[][] }[];
  expect(frames[0].columns).toContain("big_id");
  // pandas reads NULL and the empty string alike, as missing.
  expect(frames[0].rows).toEqual(stored[0].map((row) => row.map((v) => (v === "" ? null : v))));
  expect(frames[0].rows[0]).toContain("9007199254740993");
  expect(frames[0].rows[0]).toContain("1234567890123456789012345678.0123456789");
  expect(frames[0].rows[0]).toContain("2024-02-29 23:59:59.999999");
  expect(frames[1].rows).toEqual(stored[1]);
  expect(frames[1].rows).toEqual([["2024-02-29", "2024-03-01 00:00:00", "18014398509481986"]]);
  // A failed run raises its message; a connection the member may not use is Lakebook's 404, with its detail.
  expect(answers[2]).toEqual({ error: expect.stringContaining("no_such_column") });
  expect(answers[3]).toEqual({ error: expect.stringMatching(/^Lakebook answered 404: \S/) });
  expect(answers[4]).toBeNull();
}, 120_000);
