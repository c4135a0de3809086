import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/python/snippets";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { runProcess } from "./support/run-process";

/**
 * The Node snippet of "Use from Python" (lib/python/snippets.ts), run as
 * pasted with the real @databricks/sql driver against the test warehouse,
 * which records each statement and the typed parameters it arrived with; and
 * the direct snippets where each member signs in with Databricks.
 */
let warehouse: TestWarehouse;
beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 100, certificateDir: ".lakebook-test-tls" });
});
afterAll(() => warehouse?.close());

function runNode(file: string, env: Record<string, string>) {
  return runProcess(process.execPath, [file], { env, cwd: process.cwd() });
}

describe("the Node snippet against a Databricks warehouse", () => {
  it("binds each value with the app's Spark type and returns its rows", { timeout: 60_000 }, async () => {
    const parameters: ParameterSpec[] = [
      { name: "day", type: "date", value: "2024-02-29" },
      { name: "n", type: "number", value: "12345678901234567890.5" },
      { name: "big", type: "number", value: "9223372036854775807" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the value carries a `${` on purpose
      { name: "who", type: "text", value: 'O\'Brien `${x}` \\ "q"' },
      // Every choice a number: the values bind as numbers, as in the app.
      { name: "ids", type: "multi", value: ["2", "3"], choices: ["1", "2", "3"] },
    ];
    const sql =
      "SELECT :day AS day, :n AS n, :big AS big, :who AS who, 'a:b' AS colon\nFROM (VALUES (1), (2), (3)) AS v(id)\nWHERE id IN (:ids)\nORDER BY id";
    const node = snippetsFor({
      origin: "http://127.0.0.1:3000",
      subject: { kind: "cell", title: "Cell 1", sql },
      connection: {
        id: "c1",
        name: "Test warehouse",
        kind: "databricks",
        host: "localhost",
        port: warehouse.port,
        httpPath: warehouse.path,
        authType: "token",
        defaultCatalog: null,
        defaultSchema: null,
      },
      parameters,
    }).find((s) => s.kind === "node");
    expect(node).toBeDefined();
    // As pasted, but printing JSON to compare instead of a console table.
    const code = (node?.code ?? "").replace(
      "console.table(rows);",
      'console.log(JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? v.toString() : v)));',
    );
    expect(code).not.toBe(node?.code);
    // In the project, so that `@databricks/sql` resolves as in the member's own.
    const file = path.join(process.cwd(), `.lakebook-snippet-${process.pid}.mjs`);
    fs.writeFileSync(file, code);
    try {
      const result = await runNode(file, {
        PATH: process.env.PATH ?? "",
        DATABRICKS_TOKEN: warehouse.token,
        NODE_EXTRA_CA_CERTS: warehouse.caCertFile,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const rows = JSON.parse(result.stdout.trim().split("\n").pop() ?? "");
      expect(rows).toHaveLength(2);
      expect(rows[0].who).toBe(parameters[3].value);
      expect(rows[0].colon).toBe("a:b");
      // The driver itself reads BIGINT and DECIMAL as JavaScript numbers (the snippet says so).
      expect(rows[0].big).toBe(Number(2n ** 63n - 1n));
    } finally {
      fs.rmSync(file, { force: true });
    }
    const sent = warehouse.stats().statementParameters.find((s) => s.statement.includes("'a:b' AS colon"));
    expect(sent?.statement).toContain("WHERE id IN (:ids__1, :ids__2)");
    expect(sent?.parameters).toEqual([
      { name: "day", type: "DATE", value: "2024-02-29" },
      { name: "n", type: "DECIMAL", value: "12345678901234567890.5" },
      { name: "big", type: "BIGINT", value: "9223372036854775807" },
      { name: "who", type: "STRING", value: parameters[3].value },
      { name: "ids__1", type: "BIGINT", value: "2" },
      { name: "ids__2", type: "BIGINT", value: "3" },
    ]);
  });
});

describe("the direct snippets where each member signs in with Databricks (OAuth U2M)", () => {
  const u2m = () =>
    snippetsFor({
      origin: "http://127.0.0.1:3000",
      subject: { kind: "cell", title: "Cell 1", sql: "SELECT :day AS day" },
      connection: {
        id: "c2",
        name: "Members' own workspace",
        kind: "databricks",
        host: "localhost",
        port: warehouse.port,
        httpPath: warehouse.path,
        authType: "oauth-u2m",
        defaultCatalog: "samples",
        defaultSchema: null,
      },
      parameters: [{ name: "day", type: "date", value: "2024-02-29" }],
    });

  // Their browser sign-in cannot run here: the test warehouse's OAuth is not the connector's (Databricks' published
  // app, a browser and a redirect to localhost:8020). What can be checked is that Debian's python3 compiles them as
  // pasted, and that they ask for the connector's browser OAuth with the workspace's host and path, and no token.
  it("connector and SQLAlchemy: valid Python, signing in through the browser, naming no token", {
    timeout: 60_000,
  }, async () => {
    for (const kind of ["connector", "sqlalchemy"] as const) {
      const snippet = u2m().find((s) => s.kind === kind);
      expect(snippet?.env).toBeNull();
      const code = snippet?.code ?? "";
      const file = path.join(process.cwd(), `.lakebook-snippet-${process.pid}.py`);
      fs.writeFileSync(file, code);
      try {
        const compiled = await runProcess(
          "/usr/bin/python3",
          ["-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", file],
          {
            env: { PATH: process.env.PATH ?? "" },
            cwd: process.cwd(),
          },
        );
        expect(compiled.stderr).toBe("");
        expect(compiled.code).toBe(0);
      } finally {
        fs.rmSync(file, { force: true });
      }
      expect(code).not.toMatch(/token|os\.environ/i);
      if (kind === "connector") {
        expect(code).toContain('server_hostname="localhost"');
        expect(code).toContain(`http_path=${JSON.stringify(warehouse.path)}`);
        expect(code).toContain('auth_type="databricks-oauth"');
      } else {
        expect(code).toContain('host="localhost"');
        expect(code).toContain(`"http_path": ${JSON.stringify(warehouse.path)}`);
        expect(code).toContain(`connect_args={"auth_type": "databricks-oauth", "_port": ${warehouse.port}}`);
      }
    }
  });

  // The driver opens a browser for "databricks-oauth" without a client secret (U2M), which cannot happen here: the
  // snippet is type-checked against the installed driver's own declarations instead, as pasted into a TypeScript file.
  it("Node: type-checks against @databricks/sql's declarations, signing in through the browser, naming no token", {
    timeout: 60_000,
  }, () => {
    const node = u2m().find((s) => s.kind === "node");
    expect(node?.env).toBeNull();
    const code = node?.code ?? "";
    expect(code).toContain('  authType: "databricks-oauth",\n});');
    expect(code).not.toMatch(/token|process\.env/i);
    expect(typeErrors(code)).toEqual([]);
    // The check reads the driver's own types: an authentication it does not know is refused.
    expect(typeErrors(code.replace('"databricks-oauth"', '"databricks-oath"'))).not.toEqual([]);
  });
});

/** TypeScript's errors for code written to a `.mts` file in the project (so that `@databricks/sql` resolves). */
function typeErrors(code: string): string[] {
  const file = path.join(process.cwd(), `.lakebook-snippet-${process.pid}.mts`);
  fs.writeFileSync(file, code);
  try {
    const program = ts.createProgram([file], {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  } finally {
    fs.rmSync(file, { force: true });
  }
}
