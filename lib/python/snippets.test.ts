import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindStatement } from "@/lib/sql/parameter-binding";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { findParameters, specsFor } from "@/lib/sql/parameters";
import { worstText } from "@/tests/support/worst-text";
import { resultsUrl, type Snippet, type SnippetConnection, type SnippetInput, snippetsFor } from "./snippets";

// Debian's Python, with python3-pandas and python3-requests: the `python3` first on PATH is a pyenv without packages.
const PYTHON = "/usr/bin/python3";
const SECRET = "dapi0123456789abcdef-NOT-FOR-SNIPPETS";
const HINT = "Zq9X";
const TOKEN = `lkb_${"A1b2_-".repeat(7)}x`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-snippets-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Connections as the browser (and the server) hold them, with fields a snippet must never read. */
const secretFields = {
  secretHint: HINT,
  sealedSecret: SECRET,
  token: SECRET,
  secret: SECRET,
  clientId: "sp-client-77",
};
const BUILTIN = {
  id: "builtin",
  name: "Built-in warehouse (DuckDB)",
  kind: "builtin",
  host: "",
  port: 0,
  httpPath: "",
  authType: null,
  defaultCatalog: null,
  defaultSchema: null,
  ...secretFields,
} as SnippetConnection;
const DATABRICKS = {
  id: "conn-db-1",
  name: 'Prod "warehouse"',
  kind: "databricks",
  host: "adb-1234.5.azuredatabricks.net",
  port: 443,
  httpPath: "/sql/1.0/warehouses/abc123",
  defaultCatalog: "main",
  defaultSchema: "sales",
  authType: "oauth-m2m",
  ...secretFields,
} as SnippetConnection;

/** A connection where each member signs in with Databricks, its name, host and path the worst text (seeds `seed`…`seed + 2`). */
function hostileU2m(seed: number) {
  return {
    ...DATABRICKS,
    authType: "oauth-u2m" as const,
    port: 8443,
    name: worstText(300, seed),
    host: worstText(300, seed + 1),
    httpPath: worstText(300, seed + 2),
  };
}

const PARAMS: ParameterSpec[] = [
  { name: "day", type: "date", value: "2024-02-29" },
  { name: "n", type: "number", value: "12345678901234567890.5" },
  { name: "big", type: "number", value: "9223372036854775807" },
  { name: "at", type: "timestamp", value: "2024-01-31 12:34:56.123456" },
  { name: "who", type: "text", value: 'O\'Brien & "co" = 100% #1 +x 日本 😀\nline' },
  { name: "ids", type: "multi", value: ["a b", "c&d"], choices: ["a b", "c&d", "e"] },
];
const PARAM_SQL = "SELECT * FROM t WHERE d = :day AND n > :n AND b < :big AND ts <= :at AND w = :who AND id IN (:ids)";

const hostileSql = worstText(1 << 20, 11);
const hostileTitle = worstText(1 << 20, 12);
const hostileValue = worstText(10_000, 13);

const CASES: Record<string, SnippetInput> = {
  "built-in query, no parameters": {
    origin: "http://127.0.0.1:3000",
    subject: { kind: "query", id: "q-1", title: "Trips", sql: "SELECT 1" },
    connection: BUILTIN,
    parameters: [],
  },
  "built-in query with parameters": {
    origin: "http://127.0.0.1:3000/",
    subject: { kind: "query", id: "q-2", title: "Trips by day", sql: PARAM_SQL },
    connection: BUILTIN,
    parameters: PARAMS,
  },
  "built-in notebook cell": {
    origin: "https://lakebook.example.com",
    subject: { kind: "cell", title: "Cell 3 of “Weekly”", sql: `${PARAM_SQL};\nSELECT 2` },
    connection: BUILTIN,
    parameters: PARAMS,
  },
  "Databricks query with parameters": {
    origin: "https://lakebook.example.com",
    subject: { kind: "query", id: "q-3", title: "Revenue", sql: `USE main.sales;\n${PARAM_SQL}` },
    connection: DATABRICKS,
    parameters: PARAMS,
  },
  "Databricks notebook cell": {
    origin: "https://lakebook.example.com",
    subject: { kind: "cell", title: "Cell 1", sql: PARAM_SQL },
    connection: { ...DATABRICKS, port: 8443, defaultCatalog: null, defaultSchema: null },
    parameters: PARAMS,
  },
  "Databricks connection": {
    origin: "https://lakebook.example.com",
    subject: { kind: "connection" },
    connection: DATABRICKS,
    parameters: [],
  },
  "1 MiB of the worst characters everywhere": {
    origin: "http://127.0.0.1:3000",
    subject: { kind: "query", id: "q/../4?&#", title: hostileTitle, sql: `${hostileSql} :v AND :w;\nSELECT :v` },
    connection: {
      ...DATABRICKS,
      name: worstText(1 << 20, 14),
      host: worstText(1000, 15),
      httpPath: worstText(1000, 16),
      defaultCatalog: worstText(1000, 17),
      defaultSchema: worstText(1000, 18),
    },
    parameters: [
      { name: "v", type: "text", value: worstText(1 << 20, 19) },
      { name: "w", type: "multi", value: [hostileValue, worstText(1000, 20)] },
    ],
  },
  "hostile cell": {
    origin: "http://127.0.0.1:3000",
    subject: { kind: "cell", title: hostileTitle, sql: hostileSql },
    connection: { ...DATABRICKS, name: hostileTitle },
    parameters: [],
  },
  "Databricks query where each member signs in (OAuth U2M)": {
    origin: "https://lakebook.example.com",
    subject: { kind: "query", id: "q-5", title: "Mine", sql: PARAM_SQL },
    connection: { ...DATABRICKS, authType: "oauth-u2m" },
    parameters: PARAMS,
  },
  "hostile connection where each member signs in (OAuth U2M)": {
    origin: "http://127.0.0.1:3000",
    subject: { kind: "connection" },
    connection: {
      ...DATABRICKS,
      authType: "oauth-u2m",
      port: 8443,
      name: worstText(1000, 23),
      host: worstText(1000, 24),
      httpPath: worstText(1000, 25),
      defaultCatalog: worstText(1000, 26),
      defaultSchema: worstText(1000, 27),
    },
    parameters: [],
  },
};

function run(
  command: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = (options.env ?? process.env) as NodeJS.ProcessEnv;
    const child = spawn(command, args, { cwd: options.cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.end(options.input ?? "");
  });
}

const generated = Object.entries(CASES).map(([name, input]) => ({ name, input, snippets: snippetsFor(input) }));

describe("which snippets", () => {
  it("offers the Lakebook ones for any connection and the Databricks ones only for Databricks", () => {
    const kinds = (name: string) => generated.find((g) => g.name === name)?.snippets.map((s) => s.kind);
    expect(kinds("built-in query with parameters")).toEqual(["pandas", "polars", "requests"]);
    expect(kinds("built-in notebook cell")).toEqual(["pandas", "polars", "requests"]);
    expect(kinds("Databricks query with parameters")).toEqual([
      "pandas",
      "polars",
      "requests",
      "connector",
      "sqlalchemy",
      "node",
    ]);
    expect(kinds("Databricks connection")).toEqual(["connector", "sqlalchemy", "node"]);
    for (const { input, snippets } of generated)
      for (const s of snippets) {
        const direct = s.kind === "connector" || s.kind === "sqlalchemy" || s.kind === "node";
        expect(s.env).toBe(
          !direct ? "LAKEBOOK_TOKEN" : input.connection.authType === "oauth-u2m" ? null : "DATABRICKS_TOKEN",
        );
      }
  });

  it("fills the saved query's parameters into its results URL, encoded, a multi-select once per value", () => {
    const href = resultsUrl("http://127.0.0.1:3000/", "q-2", PARAMS);
    const url = new URL(href);
    expect(url.pathname).toBe("/api/v1/queries/q-2/results.csv");
    expect(url.searchParams.get("p.who")).toBe(PARAMS[4].value);
    expect(url.searchParams.getAll("p.ids")).toEqual(["a b", "c&d"]);
    expect(url.searchParams.get("p.day")).toBe("2024-02-29");
    const pandas = generated[1].snippets[0].code;
    expect(pandas).toContain(`url = "${href}"`);
    expect(pandas).toContain("os.environ['LAKEBOOK_TOKEN']");
  });

  it("binds Databricks parameters natively, typed as the app binds them", () => {
    const connector = generated[3].snippets.find((s) => s.kind === "connector")?.code ?? "";
    expect(connector).toContain('"day": datetime.date(2024, 2, 29)');
    expect(connector).toContain('"n": Decimal("12345678901234567890.5")');
    expect(connector).toContain('"big": 9223372036854775807');
    expect(connector).toContain('"at": datetime.datetime(2024, 1, 31, 12, 34, 56, 123456)');
    expect(connector).toContain("IN (:ids__1, :ids__2)");
    expect(connector).toContain('access_token=os.environ["DATABRICKS_TOKEN"]');
    expect(connector).toContain('server_hostname="adb-1234.5.azuredatabricks.net"');
    const node = generated[3].snippets.find((s) => s.kind === "node")?.code ?? "";
    expect(node).toContain('"day": new DBSQLParameter({ type: DBSQLParameterType.DATE, value: "2024-02-29" })');
    // A wall-clock timestamp, as the app binds it.
    expect(node).toContain(
      '"at": new DBSQLParameter({ type: DBSQLParameterType.TIMESTAMP_NTZ, value: "2024-01-31 12:34:56.123456" })',
    );
    expect(node).toContain("token = process.env.DATABRICKS_TOKEN");
    const cell = generated[4].snippets.find((s) => s.kind === "node")?.code ?? "";
    expect(cell).toContain("port: 8443");
  });

  it("signs in through the browser where each member signs in with Databricks: no token at all", () => {
    const u2m = generated.find((g) => g.input.connection.authType === "oauth-u2m")?.snippets ?? [];
    const connector = u2m.find((s) => s.kind === "connector")?.code ?? "";
    expect(connector).toContain('    auth_type="databricks-oauth",\n');
    expect(connector).toContain('server_hostname="adb-1234.5.azuredatabricks.net"');
    expect(connector).toContain('http_path="/sql/1.0/warehouses/abc123"');
    expect(connector).toContain("opens your browser to sign in with Databricks");
    const sqlalchemy = u2m.find((s) => s.kind === "sqlalchemy")?.code ?? "";
    expect(sqlalchemy).toContain(
      '        "databricks",\n        host="adb-1234.5.azuredatabricks.net",\n        query={"http_path": "/sql/1.0/warehouses/abc123", "catalog": "main", "schema": "sales"},\n    ),\n    connect_args={"auth_type": "databricks-oauth"},\n)\n',
    );
    expect(sqlalchemy).toContain("# the connector opens your browser to sign in with Databricks");
    const node = u2m.find((s) => s.kind === "node")?.code ?? "";
    expect(node).toContain(
      'await client.connect({\n  host: "adb-1234.5.azuredatabricks.net",\n  path: "/sql/1.0/warehouses/abc123",\n  authType: "databricks-oauth",\n});\n',
    );
    expect(node).toContain("// the driver opens your browser to sign in with Databricks");
    // Not in any of them, hostile connection or not.
    for (const { input, snippets } of generated.filter((g) => g.input.connection.authType === "oauth-u2m"))
      for (const s of snippets.filter((s) => s.env !== "LAKEBOOK_TOKEN")) {
        expect(s.env, input.subject.kind).toBeNull();
        for (const word of ["TOKEN", "token", "import os", "os.environ", "process.env"])
          expect(s.code).not.toContain(word);
      }
  });

  it("never writes a secret, the secret's hint or the service principal", () => {
    for (const { snippets } of generated)
      for (const s of snippets) {
        expect(s.code).not.toContain(SECRET);
        expect(s.code).not.toContain(HINT);
        expect(s.code).not.toContain("sp-client-77");
        expect(s.code).not.toContain("dapi");
      }
  });
});

describe("every snippet is valid code", () => {
  it("parses with Debian's Python (ast)", { timeout: 120_000 }, async () => {
    const files: string[] = [];
    for (const [i, { snippets }] of generated.entries())
      for (const s of snippets.filter((s) => s.language === "python")) {
        const file = path.join(dir, `case${i}-${s.kind}.py`);
        fs.writeFileSync(file, s.code);
        files.push(file);
      }
    const check = `import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f, encoding="utf-8").read(), f)\nprint(len(sys.argv) - 1)`;
    const result = await run(PYTHON, ["-c", check, ...files]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(String(files.length));
    expect(files.length).toBeGreaterThan(20);
  });

  it("checks with Node (node --check)", { timeout: 120_000 }, async () => {
    for (const [i, { snippets }] of generated.entries())
      for (const s of snippets.filter((s) => s.language === "javascript")) {
        const file = path.join(dir, `case${i}.mjs`);
        fs.writeFileSync(file, s.code);
        const result = await run(process.execPath, ["--check", file]);
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
      }
  });
});

/** What the test API saw: each request's method, path, query and body. */
interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

/**
 * A tiny stand-in for Lakebook's API on 127.0.0.1 with the contract's URL
 * shapes: it refuses any other token, records each request, runs a statement
 * in two steps ("running", then "succeeded" after a wait) and answers a CSV of
 * values pandas would otherwise change.
 */
const CSV =
  'id,big,dec,txt,missing,ts\r\n1,9223372036854775807,12345678901234567890123456789012345678,NA,,2024-01-31 12:34:56.123456\r\n2,-9223372036854775808,-0.00000000000000000000000000000000000001,"a,b ""q""\nline",null,\r\n3,007,1e400,日本 😀,nan,\r\n';
const ROWS = [
  ["1", "9223372036854775807", "12345678901234567890123456789012345678", "NA", null, "2024-01-31 12:34:56.123456"],
  ["2", "-9223372036854775808", "-0.00000000000000000000000000000000000001", 'a,b "q"\nline', "null", null],
  ["3", "007", "1e400", "日本 😀", "nan", null],
];
let server: http.Server;
let origin = "";
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        body: Buffer.concat(chunks).toString(),
      });
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { title: "Unauthorized", status: 401 });
      if (req.method === "GET" && /^\/api\/v1\/(queries\/[^/]+|runs\/r-1)\/results\.csv$/.test(url.pathname))
        return res.writeHead(200, { "content-type": "text/csv; charset=utf-8" }).end(CSV);
      if (req.method === "POST" && url.pathname === "/api/v1/statements")
        return json(202, { id: "r-1", status: "running", error: null });
      if (req.method === "GET" && url.pathname === "/api/v1/runs/r-1" && url.searchParams.get("wait") === "60")
        return json(200, { id: "r-1", status: "succeeded", error: null, rows: 3 });
      json(404, { title: "Not found", status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs a snippet as pasted with Debian's Python, the token in the environment (and no proxy). */
async function runPython(code: string, token = TOKEN) {
  const cwd = fs.mkdtempSync(path.join(dir, "run-"));
  const env = { PATH: "/usr/bin:/bin", HOME: cwd, LAKEBOOK_TOKEN: token, NO_PROXY: "*", no_proxy: "*" };
  // As a file, as pasted into one: 1 MiB is more than a command line takes.
  fs.writeFileSync(path.join(cwd, "snippet.py"), code);
  const result = await run(PYTHON, ["snippet.py"], { env, cwd });
  return { ...result, cwd };
}

const DUMP = `
import json as _json
_sys = __import__("sys")
_sys.stdout.write(_json.dumps({"columns": list(df.columns), "dtypes": [str(t) for t in df.dtypes],
    "rows": [[None if isinstance(v, float) else v for v in row] for row in df.itertuples(index=False)]}))
`;

function snippet(input: SnippetInput, kind: Snippet["kind"]): string {
  const found = snippetsFor(input).find((s) => s.kind === kind);
  if (!found) throw new Error(`no ${kind} snippet`);
  return found.code;
}

const queryInput = (parameters: ParameterSpec[]): SnippetInput => ({
  origin,
  subject: { kind: "query", id: "q-2", title: "Trips by day", sql: PARAM_SQL },
  connection: BUILTIN,
  parameters,
});
const HOSTILE_PARAMS: ParameterSpec[] = PARAMS.map((p) =>
  p.name === "who" ? { ...p, value: hostileValue } : p.name === "ids" ? { ...p, value: [hostileValue, "&="] } : p,
);
const expectedQuery = (params: ParameterSpec[]) =>
  params.flatMap((p) =>
    (Array.isArray(p.value) ? p.value : [p.value]).map((v) => [`p.${p.name}`, v.replace(/\p{Cs}/gu, "\uFFFD")]),
  );

describe("the snippets work as pasted (Debian's Python against a local API)", () => {
  it("pandas reads the saved query's result with its parameters, every value exact", { timeout: 60_000 }, async () => {
    seen.length = 0;
    const result = await runPython(snippet(queryInput(HOSTILE_PARAMS), "pandas") + DUMP);
    expect(result.stderr).toBe("");
    const df = JSON.parse(result.stdout.slice(result.stdout.indexOf('{"columns"')));
    expect(df.columns).toEqual(["id", "big", "dec", "txt", "missing", "ts"]);
    expect(df.dtypes).toEqual(Array(6).fill("object"));
    expect(df.rows).toEqual(ROWS);
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe("/api/v1/queries/q-2/results.csv");
    expect([...seen[0].query.entries()]).toEqual(expectedQuery(HOSTILE_PARAMS));
  });

  it("requests streams the result to a file byte for byte, with the same parameters", { timeout: 60_000 }, async () => {
    seen.length = 0;
    const result = await runPython(snippet(queryInput(HOSTILE_PARAMS), "requests"));
    expect(result.stderr).toBe("");
    expect(fs.readFileSync(path.join(result.cwd, "result.csv"), "utf8")).toBe(CSV);
    expect([...seen[0].query.entries()]).toEqual(expectedQuery(HOSTILE_PARAMS));
  });

  it("a notebook cell's SQL goes as a statement, exactly, and its result is read once it is done", {
    timeout: 60_000,
  }, async () => {
    const cellSql = `SELECT :who, :day, :n, :ids, ${hostileSql}`;
    // The hostile text has \`:name\` markers of its own: each goes with an empty value.
    // Text goes as a string; other types with their type, so that they bind as the bar's would.
    const used = Object.fromEntries(
      specsFor(findParameters(cellSql, "duckdb"), HOSTILE_PARAMS).map((p) => [
        p.name,
        p.type === "text" ? p.value : { type: p.type, value: p.value },
      ]),
    );
    expect(used.who).toBe(hostileValue);
    expect(used.day).toEqual({ type: "date", value: "2024-02-29" });
    expect(used.n).toEqual({ type: "number", value: "12345678901234567890.5" });
    expect(used.ids).toEqual({ type: "multi", value: [hostileValue, "&="] });
    const input: SnippetInput = {
      origin,
      subject: { kind: "cell", title: hostileTitle, sql: cellSql },
      connection: BUILTIN,
      parameters: HOSTILE_PARAMS,
    };
    for (const kind of ["pandas", "requests"] as const) {
      seen.length = 0;
      const result = await runPython(snippet(input, kind) + (kind === "pandas" ? DUMP : ""));
      expect(result.stderr).toBe("");
      expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
        "POST /api/v1/statements",
        "GET /api/v1/runs/r-1",
        "GET /api/v1/runs/r-1/results.csv",
      ]);
      const body = JSON.parse(seen[0].body);
      expect(body.connection).toBe("builtin");
      expect(body.sql === cellSql).toBe(true);
      // Only the parameters the SQL uses, with their values exactly (a JSON body carries even a lone surrogate).
      expect(body.parameters).toEqual(used);
      if (kind === "pandas")
        expect(JSON.parse(result.stdout.slice(result.stdout.indexOf('{"columns"'))).rows).toEqual(ROWS);
      else expect(fs.readFileSync(path.join(result.cwd, "result.csv"), "utf8")).toBe(CSV);
    }
  });

  it("fails loudly without a good token, and without one set", { timeout: 60_000 }, async () => {
    const wrong = await runPython(snippet(queryInput(PARAMS), "requests"), "lkb_wrong");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("401");
    const unset = await run(PYTHON, ["-c", snippet(queryInput(PARAMS), "pandas")], {
      env: { PATH: "/usr/bin:/bin", NO_PROXY: "*" },
      cwd: dir,
    });
    expect(unset.stderr).toContain("KeyError: 'LAKEBOOK_TOKEN'");
  });
});

describe("the Databricks connector snippet sends the SQL and values exactly", () => {
  // databricks-sql-connector is not installed here: a stand-in module records what the snippet hands it.
  const fake = path.join(dir, "fake");
  beforeAll(() => {
    fs.mkdirSync(path.join(fake, "databricks"), { recursive: true });
    fs.writeFileSync(path.join(fake, "databricks", "__init__.py"), "");
    fs.writeFileSync(
      path.join(fake, "databricks", "sql.py"),
      `import json, os
calls = []
def _typed(v):
    return [type(v).__name__, str(v)]
class _Cursor:
    description = [("x",)]
    def __enter__(self): return self
    def __exit__(self, *a): pass
    def execute(self, query, parameters=None):
        calls.append({"query": query, "parameters": {k: _typed(v) for k, v in (parameters or {}).items()}})
    def fetchall(self):
        with open(os.environ["FAKE_OUT"], "w") as f:
            json.dump({"connect": _connect, "calls": calls}, f)
        return []
class _Connection:
    def __enter__(self): return self
    def __exit__(self, *a): pass
    def cursor(self): return _Cursor()
_connect = {}
def connect(**kwargs):
    _connect.update(kwargs)
    return _Connection()
`,
    );
  });

  it("with hostile SQL, names and values, and typed parameters", { timeout: 60_000 }, async () => {
    // The hostile text may leave a quote open to its end: it goes last.
    const sql = `SELECT :day, :n, :big, :at, :ids;\n:v, ${hostileSql}`;
    const connection = { ...DATABRICKS, host: worstText(300, 21), httpPath: worstText(300, 22), port: 8443 };
    const parameters: ParameterSpec[] = [...PARAMS, { name: "v", type: "text", value: hostileValue }];
    const code = snippet({ origin, subject: { kind: "cell", title: "x", sql }, connection, parameters }, "connector");
    const out = path.join(dir, "fake-out.json");
    fs.writeFileSync(path.join(dir, "connector.py"), code);
    const result = await run(PYTHON, ["connector.py"], {
      env: { PATH: "/usr/bin:/bin", PYTHONPATH: fake, FAKE_OUT: out, DATABRICKS_TOKEN: SECRET },
      cwd: dir,
    });
    expect(result.stderr).toBe("");
    const got = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(got.connect).toEqual({
      server_hostname: connection.host,
      http_path: connection.httpPath,
      access_token: SECRET,
      catalog: "main",
      schema: "sales",
      _port: 8443,
    });
    const lastSql = `:v, ${hostileSql}`.trim();
    const names = findParameters(lastSql, "databricks");
    const last = bindStatement(lastSql, "databricks", new Map(specsFor(names, parameters).map((p) => [p.name, p])));
    expect(last.values.find((v) => v.name === "v")?.value).toBe(hostileValue);
    expect(got.calls).toHaveLength(2);
    expect(got.calls[1].query === last.text).toBe(true);
    expect(got.calls[1].parameters).toEqual(Object.fromEntries(last.values.map((v) => [v.name, ["str", v.value]])));
    expect(got.calls[0].query).toBe("SELECT :day, :n, :big, :at, :ids__1, :ids__2");
    expect(got.calls[0].parameters).toEqual({
      day: ["date", "2024-02-29"],
      n: ["Decimal", "12345678901234567890.5"],
      big: ["int", "9223372036854775807"],
      at: ["datetime", "2024-01-31 12:34:56.123456"],
      ids__1: ["str", "a b"],
      ids__2: ["str", "c&d"],
    });
  });

  // The connector's browser OAuth cannot run here (no browser, and the test warehouse's OAuth is not Databricks'
  // published app): the stand-in shows what the snippet hands the connector, run with no token in its environment.
  it("where each member signs in with Databricks: the connector's own browser OAuth, and no token", {
    timeout: 60_000,
  }, async () => {
    const connection = { ...DATABRICKS, authType: "oauth-u2m" as const };
    const code = snippet({ origin, subject: { kind: "connection" }, connection, parameters: [] }, "connector");
    const out = path.join(dir, "fake-out-u2m.json");
    fs.writeFileSync(path.join(dir, "connector-u2m.py"), code);
    const result = await run(PYTHON, ["connector-u2m.py"], {
      env: { PATH: "/usr/bin:/bin", PYTHONPATH: fake, FAKE_OUT: out },
      cwd: dir,
    });
    expect(result.stderr).toBe("");
    const got = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(got.connect).toEqual({
      server_hostname: DATABRICKS.host,
      http_path: DATABRICKS.httpPath,
      auth_type: "databricks-oauth",
      catalog: "main",
      schema: "sales",
    });
    expect(got.calls).toEqual([{ query: "SELECT 1", parameters: {} }]);
  });
});

describe("the SQLAlchemy snippet where each member signs in with Databricks", () => {
  // databricks-sqlalchemy is not installed here: Python's own parser reads what the snippet hands create_engine, each
  // argument a literal (nothing read from the environment). The dialect hands the connector the URL's host and query,
  // with connect_args merged in by SQLAlchemy: the connector is asked for its browser OAuth, with no token.
  const READ_ENGINE = `import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])
compile(tree, sys.argv[1], "exec")
[engine] = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == "create_engine"]
[url] = engine.args
assert ast.unparse(url.func) == "URL.create"
def keywords(call):
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}
print(json.dumps({"url": [ast.literal_eval(a) for a in url.args], "url_keywords": keywords(url), "engine_keywords": keywords(engine)}))
`;

  it("asks the connector for its browser OAuth, hostile host, path and schema kept exactly", {
    timeout: 60_000,
  }, async () => {
    const connection = { ...hostileU2m(28), defaultSchema: worstText(300, 31) };
    const code = snippet({ origin, subject: { kind: "connection" }, connection, parameters: [] }, "sqlalchemy");
    fs.writeFileSync(path.join(dir, "sqlalchemy-u2m.py"), code);
    const result = await run(PYTHON, ["-c", READ_ENGINE, "sqlalchemy-u2m.py"], {
      env: { PATH: "/usr/bin:/bin" },
      cwd: dir,
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      url: ["databricks"],
      url_keywords: {
        host: connection.host,
        query: { http_path: connection.httpPath, catalog: "main", schema: connection.defaultSchema },
      },
      engine_keywords: { connect_args: { auth_type: "databricks-oauth", _port: 8443 } },
    });
  });
});

describe("the Node snippet where each member signs in with Databricks", () => {
  // Its browser sign-in cannot run here: a stand-in @databricks/sql, in a project of its own, records what the
  // snippet hands the driver, run as pasted with no token in its environment.
  const project = path.join(dir, "node-project");
  beforeAll(() => {
    const driver = path.join(project, "node_modules", "@databricks", "sql");
    fs.mkdirSync(driver, { recursive: true });
    fs.writeFileSync(
      path.join(driver, "package.json"),
      JSON.stringify({ name: "@databricks/sql", type: "module", exports: "./index.js" }),
    );
    fs.writeFileSync(
      path.join(driver, "index.js"),
      `import fs from "node:fs";
const seen = { calls: [] };
export const DBSQLParameterType = new Proxy({}, { get: (_, type) => type });
export class DBSQLParameter {
  constructor({ type, value }) { Object.assign(this, { type, value }); }
}
export class DBSQLClient {
  async connect(options) { seen.connect = options; return this; }
  async openSession(options) {
    seen.session = options ?? null;
    return {
      async executeStatement(sql, options) {
        seen.calls.push({ sql, ...options });
        return { fetchAll: async () => [], close: async () => {} };
      },
      async close() {},
    };
  }
  async close() { fs.writeFileSync(process.env.FAKE_OUT, JSON.stringify(seen)); }
}
`,
    );
  });

  it("asks the driver for its browser OAuth, hostile host, path and catalog kept exactly", {
    timeout: 60_000,
  }, async () => {
    const connection = { ...hostileU2m(32), defaultCatalog: worstText(300, 35) };
    const code = snippet({ origin, subject: { kind: "connection" }, connection, parameters: [] }, "node");
    const out = path.join(dir, "node-out-u2m.json");
    fs.writeFileSync(path.join(project, "query.mjs"), code);
    const result = await run(process.execPath, ["query.mjs"], { env: { FAKE_OUT: out }, cwd: project });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const got = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(got.connect).toEqual({
      host: connection.host,
      port: 8443,
      path: connection.httpPath,
      authType: "databricks-oauth",
    });
    expect(got.session).toEqual({ initialCatalog: connection.defaultCatalog, initialSchema: "sales" });
    expect(got.calls).toEqual([{ sql: "SELECT 1", namedParameters: {} }]);
  });
});
