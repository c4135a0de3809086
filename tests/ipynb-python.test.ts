import { describe, expect, it } from "vitest";
import { exportNotebook, type IpynbOptions } from "@/lib/notebooks/formats";
import type { JupyterConnect } from "@/lib/notebooks/formats/ipynb-connect";
import type { NotebookContent } from "@/lib/notebooks/types";
import { htmlTables, parsePython, validateNotebook } from "./support/jupyter";

/**
 * Exports built from hostile notebooks, checked by Debian's Python: the file
 * is valid nbformat 4.5, the connect cell is Python that parses whatever the
 * names and values hold, and the HTML tables read back as text.
 */

const EVIL = `"'\\\n\r\u2028</td><script>alert(1)</script>{{x}} %%sql \${x} \u0000 😀 \ud800`;

function content(): NotebookContent {
  const id = () => crypto.randomUUID();
  return {
    title: EVIL,
    connectionId: "builtin",
    cells: [
      { id: id(), kind: "markdown", source: EVIL, connectionId: null, chart: null },
      { id: "not an id!", kind: "sql", source: EVIL, connectionId: "c-2", chart: null },
      { id: id(), kind: "sql", source: "select 1", connectionId: null, chart: null },
      { id: id(), kind: "sql", source: "select 2", connectionId: null, chart: null },
    ],
    parameters: [
      { name: "p", type: "text", value: EVIL },
      { name: "m", type: "multi", value: [EVIL, ""], choices: [EVIL, ""] },
      { name: "import", type: "text", value: "x" },
    ],
  };
}

const LAKEBOOK: JupyterConnect = { kind: "lakebook", baseUrl: EVIL, connectionId: EVIL };
const WAREHOUSE: JupyterConnect = {
  kind: "warehouse",
  host: EVIL,
  port: 443,
  httpPath: EVIL,
  catalog: EVIL,
  schema: EVIL,
};

describe("hostile notebooks exported for Jupyter, read by Python", () => {
  it.each([
    ["through Lakebook", { flavour: "jupyter", connect: LAKEBOOK }],
    ["to the warehouse", { flavour: "jupyter", connect: WAREHOUSE }],
    [
      "to the warehouse, signing in through the browser",
      { flavour: "jupyter", connect: { ...WAREHOUSE, browserSignIn: true } },
    ],
    ["Databricks", { flavour: "databricks" }],
  ] as [string, IpynbOptions][])("%s: valid nbformat, Python that parses, tables of text", (_, options) => {
    const notebook = content();
    const [, sql, rows, failed] = notebook.cells;
    const huge = `<b>${"&<>\"'".repeat(200_000)}`;
    const results: IpynbOptions["results"] = {
      [sql.id]: {
        kind: "rows",
        columns: [
          { name: EVIL, type: EVIL },
          { name: "", type: "VARCHAR" },
        ],
        rows: [
          [EVIL, huge],
          [null, ""],
        ],
        rowCount: 2,
        truncated: false,
      },
      [rows.id]: {
        kind: "rows",
        columns: [{ name: "n", type: "BIGINT" }],
        rows: Array.from({ length: 1000 }, (_, i) => [String(9007199254740993n + BigInt(i))]),
        rowCount: 50_000,
        truncated: true,
      },
      [failed.id]: { kind: "error", message: EVIL.repeat(10_000) },
    };
    const { text } = exportNotebook(notebook, "ipynb", { ...options, results });
    validateNotebook(text);
    const doc = JSON.parse(text);
    if (options.connect) parsePython(doc.cells[0].source.join(""));
    const tables = htmlTables(text).filter((t) => t !== null);
    expect(tables).toHaveLength(2);
    expect(tables[0]?.tags).toEqual(["em", "p", "table", "tbody", "td", "th", "thead", "tr"]);
    expect(tables[0]?.rows[0][0]).toContain("</td><script>alert(1)</script>");
    expect(tables[0]?.rows[0][1]).toMatch(/^<b>&<>"'.*…$/);
    expect(tables[0]?.rows[1]).toEqual(["NULL", ""]);
    expect(tables[1]?.rows).toHaveLength(20);
    expect(tables[1]?.rows[19]).toEqual(["9007199254741012"]);
    expect(tables[1]?.summary).toBe("Showing 20 of 50,000 rows (Lakebook stored the first 50,000 rows only).");
    expect(text.length).toBeLessThan(200_000);
  });
});
