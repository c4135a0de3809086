import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetsFor } from "@/lib/python/snippets";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { runProcess } from "./support/run-process";

/**
 * The Node snippet of "Use from Python" (lib/python/snippets.ts), run as
 * pasted with the real @databricks/sql driver against the test warehouse,
 * which records each statement and the typed parameters it arrived with.
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
