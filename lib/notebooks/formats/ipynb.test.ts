import { describe, expect, it } from "vitest";
import type { ChartSpec, NotebookCell, NotebookContent } from "@/lib/notebooks/types";
import { type CellResult, exportNotebook, type IpynbOptions, importNotebook } from "./index";
import { keepAsText } from "./ipynb";
import type { JupyterConnect } from "./ipynb-connect";

type CellInit = Pick<NotebookCell, "kind" | "source"> & Partial<NotebookCell>;

function notebook(cells: CellInit[], title = "Sales review"): NotebookContent {
  return {
    title,
    connectionId: "conn-1",
    cells: cells.map((c) => ({ id: crypto.randomUUID(), connectionId: null, chart: null, ...c })),
  };
}

function roundTrip(content: NotebookContent) {
  const file = exportNotebook(content, "ipynb");
  const back = importNotebook(file.filename, file.text);
  return {
    file,
    back,
    cells: back.cells.map((c) => ({ ...c, connectionId: c.connectionId ?? null, chart: c.chart ?? null })),
  };
}

function ipynb(cells: unknown[], metadata: Record<string, unknown> = {}, nbformat = 4) {
  return JSON.stringify({ cells, metadata, nbformat, nbformat_minor: 4 });
}

const LAKEBOOK: JupyterConnect = { kind: "lakebook", baseUrl: "http://127.0.0.1:3000", connectionId: "conn-1" };
const WAREHOUSE: JupyterConnect = {
  kind: "warehouse",
  host: "adb-1.azuredatabricks.net",
  port: 443,
  httpPath: "/sql/1.0/warehouses/abc",
  catalog: "main",
  schema: "sales",
};

const chart: ChartSpec = { kind: "bar", x: "region", y: ["total", "refunds"], group: null, aggregate: "sum" };

describe("ipynb export", () => {
  it("writes nbformat 4.5 with %%sql code cells, markdown cells and the title", () => {
    const content = notebook([
      { kind: "markdown", source: "# Sales\nBy region." },
      { kind: "sql", source: "select region,\n  sum(total)\nfrom sales\n" },
    ]);
    const { filename, mimeType, text } = exportNotebook(content, "ipynb");
    expect(filename).toBe("Sales review.ipynb");
    expect(mimeType).toBe("application/x-ipynb+json");
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ nbformat: 4, nbformat_minor: 5 });
    expect(doc.metadata).toEqual({
      title: "Sales review",
      kernelspec: { display_name: "Python 3", name: "python3", language: "python" },
      language_info: { name: "python" },
    });
    expect(doc.cells).toEqual([
      { cell_type: "markdown", id: content.cells[0].id, metadata: {}, source: ["# Sales\n", "By region."] },
      {
        cell_type: "code",
        execution_count: null,
        id: content.cells[1].id,
        metadata: {},
        outputs: [],
        source: ["%%sql\n", "select region,\n", "  sum(total)\n", "from sales\n"],
      },
    ]);
  });

  it("keeps the Databricks flavour: %sql cells and Databricks' notebook metadata, no connect cell", () => {
    const content = notebook([{ kind: "sql", source: "select 1", connectionId: "c-2" }]);
    const doc = JSON.parse(
      exportNotebook(content, "ipynb", { flavour: "databricks", connect: LAKEBOOK, results: {} }).text,
    );
    expect(doc.metadata["application/vnd.databricks.v1+notebook"]).toEqual({
      language: "python",
      notebookName: "Sales review",
    });
    expect(doc.cells).toHaveLength(1);
    expect(doc.cells[0].source).toEqual(["%sql\n", "select 1"]);
  });

  it("gives every cell a unique nbformat id, even from odd or repeated ids", () => {
    const content = notebook([
      { id: "same", kind: "sql", source: "" },
      { id: "same", kind: "sql", source: "" },
      { id: "not valid!", kind: "markdown", source: "" },
      { id: "x".repeat(65), kind: "markdown", source: "" },
    ]);
    const ids: string[] = JSON.parse(exportNotebook(content, "ipynb").text).cells.map((c: { id: string }) => c.id);
    expect(ids[0]).toBe("same");
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });

  it("keeps a SQL cell's connection and chart under metadata.lakebook", () => {
    const content = notebook([{ kind: "sql", source: "select 1", connectionId: "c-2", chart }]);
    const [cell] = JSON.parse(exportNotebook(content, "ipynb").text).cells;
    expect(cell.metadata).toEqual({ lakebook: { connectionId: "c-2", chart } });
  });

  it("makes a safe filename from any title", () => {
    expect(exportNotebook(notebook([], 'a/b\\c:d*?"<>|\ne'), "ipynb").filename).toBe("a b c d e.ipynb");
    expect(exportNotebook(notebook([], "..."), "ipynb").filename).toBe("notebook.ipynb");
    expect(exportNotebook(notebook([], "Über 📈"), "sql").filename).toBe("Über 📈.sql");
  });
});

describe("ipynb round trip", () => {
  it("gives back the same cells, connections and charts, even for tricky sources", () => {
    const content = notebook([
      { kind: "sql", source: "" },
      { kind: "markdown", source: "" },
      { kind: "sql", source: "select 1\n\n", connectionId: "c-2", chart },
      { kind: "sql", source: "\n\nselect 'naïve 😀 日本'" },
      { kind: "sql", source: "%md not markdown" },
      { kind: "sql", source: "select '\n-- COMMAND ----------\n' as s" },
      { kind: "markdown", source: "%sql\nselect 1 is shown, not run\n" },
      { kind: "markdown", source: "```sql\nselect 1\n```" },
      { kind: "sql", source: `select ${"'x', ".repeat(50_000)}1` },
      { kind: "sql", source: "select 2", chart: { ...chart, kind: "pie", y: ["n"], group: "g", aggregate: "none" } },
    ]);
    const { back, cells } = roundTrip(content);
    expect(back.title).toBe("Sales review");
    expect(cells).toEqual(content.cells.map(({ id: _, ...rest }) => rest));
  });

  it("turns CRLF line endings into LF", () => {
    const { cells } = roundTrip(notebook([{ kind: "sql", source: "select 1\r\nfrom t\r\n" }]));
    expect(cells[0].source).toBe("select 1\nfrom t\n");
  });

  it("keeps an empty notebook empty", () => {
    expect(roundTrip(notebook([])).back.cells).toEqual([]);
  });
});

describe("ipynb import", () => {
  it("reads a Databricks export: %sql, %md, Python and %run cells, and the notebook name", () => {
    const text = ipynb(
      [
        { cell_type: "code", metadata: {}, outputs: [], source: ["%md\n", "# Orders"] },
        { cell_type: "code", metadata: {}, outputs: [], source: ["%sql\n", "\n", "SELECT 1;\n"] },
        { cell_type: "code", metadata: {}, outputs: [], source: "df = spark.table('t')\ndisplay(df)" },
        { cell_type: "code", metadata: {}, outputs: [], source: "%run ./setup" },
        { cell_type: "code", metadata: {}, outputs: [], source: "%scala\nval x = 1\n" },
      ],
      { "application/vnd.databricks.v1+notebook": { language: "python", notebookName: " Orders daily " } },
    );
    expect(importNotebook("export.ipynb", text)).toEqual({
      title: "Orders daily",
      cells: [
        { kind: "markdown", source: "# Orders" },
        { kind: "sql", source: "\nSELECT 1;\n" },
        keepAsText("python", "df = spark.table('t')\ndisplay(df)"),
        keepAsText("%run", "%run ./setup", ""),
        keepAsText("scala", "val x = 1\n"),
      ],
    });
  });

  it("shows code it cannot run as a labelled, fenced Markdown cell", () => {
    expect(keepAsText("python", "print(1)").source).toBe(
      "*Imported python cell, kept as text: Lakebook runs only SQL.*\n\n```python\nprint(1)\n```",
    );
    // A fence inside the code must not close the block early.
    expect(keepAsText("python", 'doc = """\n````\n"""\n').source).toMatch(/\n`````python\n[\s\S]*\n`````$/);
  });

  it("reads jupysql cells: %%sql arguments are dropped, %sql keeps its inline query", () => {
    const text = ipynb([
      { cell_type: "code", source: "%%sql duckdb:///db\nselect 1", outputs: [], metadata: {} },
      { cell_type: "code", source: "%sql select 2", outputs: [], metadata: {} },
      { cell_type: "code", source: "%md # Inline title\nmore", outputs: [], metadata: {} },
    ]);
    expect(importNotebook("j.ipynb", text).cells).toEqual([
      { kind: "sql", source: "select 1" },
      { kind: "sql", source: "select 2" },
      { kind: "markdown", source: "# Inline title\nmore" },
    ]);
  });

  it("treats magic-less code as SQL in a SQL notebook, and keeps raw cells as text", () => {
    const text = ipynb(
      [
        { cell_type: "code", source: ["select 1"], outputs: [], metadata: {} },
        { cell_type: "raw", source: "raw \\LaTeX", metadata: {} },
        { cell_type: "markdown", source: ["plain ", "markdown"], metadata: {} },
      ],
      { language_info: { name: "SQL" }, title: "From metadata" },
    );
    expect(importNotebook("file.ipynb", text)).toEqual({
      title: "From metadata",
      cells: [
        { kind: "sql", source: "select 1" },
        keepAsText("raw", "raw \\LaTeX", ""),
        { kind: "markdown", source: "plain markdown" },
      ],
    });
  });

  it("takes the title from the filename when the notebook has none", () => {
    expect(importNotebook("C:\\Users\\me\\Q3 report.ipynb", ipynb([])).title).toBe("Q3 report");
    expect(importNotebook(".ipynb", ipynb([])).title).toBe("Imported notebook");
    expect(importNotebook("x.ipynb", ipynb([], { title: "t".repeat(300) })).title).toHaveLength(200);
  });

  it("recognises a notebook without the .ipynb extension by its content", () => {
    expect(importNotebook("download", ipynb([{ cell_type: "markdown", source: "hi", metadata: {} }])).cells).toEqual([
      { kind: "markdown", source: "hi" },
    ]);
  });

  it("carries the notebook's parameters, and reads back only well-formed ones", () => {
    const parameters = [
      { name: "start", type: "date" as const, value: "2024-02-29" },
      { name: "ids", type: "multi" as const, value: ["1", "3"], choices: ["1", "2", "3"] },
    ];
    const { back } = roundTrip({ ...notebook([{ kind: "sql", source: "select :start, :ids" }]), parameters });
    expect(back.parameters).toEqual(parameters);
    expect(roundTrip(notebook([{ kind: "sql", source: "select 1" }])).back.parameters).toBeUndefined();
    for (const wrong of [
      [{ name: "Bad Name", type: "text", value: "x" }],
      [{ name: "a", type: "script", value: "x" }],
      [
        { name: "a", type: "text", value: "x" },
        { name: "a", type: "text", value: "y" },
      ],
      "not a list",
    ]) {
      const text = ipynb([{ cell_type: "code", source: "%sql\nselect :a", outputs: [], metadata: {} }], {
        lakebook: { parameters: wrong },
      });
      expect(importNotebook("n.ipynb", text).parameters).toBeUndefined();
    }
  });

  it("keeps only well-formed Lakebook extras, and only on SQL cells", () => {
    const cell = (lakebook: unknown, source = "%sql\nselect 1") => ({
      cell_type: "code",
      source,
      outputs: [],
      metadata: { lakebook },
    });
    const text = ipynb([
      cell({ connectionId: "c-1", chart: { ...chart, extra: "<script>" } }),
      cell({ connectionId: 42, chart: { ...chart, kind: "radar" } }),
      cell({ connectionId: "x".repeat(65), chart: { ...chart, y: "total" } }),
      cell({ connectionId: "bad id\n", chart: { ...chart, y: Array(21).fill("c") } }),
      cell("not an object"),
      cell({ connectionId: "c-1", chart }, "%md\nnotes"),
    ]);
    expect(importNotebook("n.ipynb", text).cells).toEqual([
      { kind: "sql", source: "select 1", connectionId: "c-1", chart },
      { kind: "sql", source: "select 1" },
      { kind: "sql", source: "select 1" },
      { kind: "sql", source: "select 1" },
      { kind: "sql", source: "select 1" },
      { kind: "markdown", source: "notes" },
    ]);
  });

  it("rejects what is not an nbformat 4 notebook, with a clear message", () => {
    expect(() => importNotebook("a.ipynb", "{ not json")).toThrow("not valid JSON");
    expect(() => importNotebook("a.ipynb", "[1, 2]")).toThrow("not a Jupyter notebook");
    expect(() => importNotebook("a.ipynb", '{"cells": []}')).toThrow("not a Jupyter notebook");
    expect(() => importNotebook("a.ipynb", ipynb([], {}, 3))).toThrow("nbformat 3; only nbformat 4");
    expect(() => importNotebook("a.ipynb", ipynb([{ source: "x" }]))).toThrow("Cell 1 of this notebook is malformed");
    expect(() => importNotebook("a.ipynb", ipynb([{ cell_type: "code", source: [1] }]))).toThrow("not text");
    expect(() => importNotebook("a.ipynb", "  \n")).toThrow("The file is empty.");
  });

  it("rejects absurd sizes", () => {
    const many = Array.from({ length: 5001 }, () => ({ cell_type: "markdown", source: "", metadata: {} }));
    expect(() => importNotebook("a.ipynb", ipynb(many))).toThrow("The file has 5001 cells; a notebook holds at most");
    expect(() => importNotebook("a.ipynb", " ".repeat(17 * 1024 * 1024))).toThrow("larger than the import limit");
  });

  it("throws UserError so the action can show the message", () => {
    expect(() => importNotebook("a.ipynb", "nope")).toThrow(expect.objectContaining({ name: "UserError" }));
  });
});

describe("ipynb export for Jupyter", () => {
  const parameters = [
    { name: "start", type: "date" as const, value: "2024-02-29" },
    { name: "ids", type: "multi" as const, value: ["1", '"3"'], choices: ["1", '"3"'] },
    { name: "from", type: "text" as const, value: "x" },
  ];

  function exported(content: NotebookContent, options: IpynbOptions) {
    return JSON.parse(exportNotebook(content, "ipynb", options).text);
  }

  it("starts with a cell that registers a %%sql magic calling Lakebook's API, with the token from LAKEBOOK_TOKEN", () => {
    const content = { ...notebook([{ kind: "sql", source: "select :start" }]), parameters };
    const doc = exported(content, { flavour: "jupyter", connect: LAKEBOOK });
    const [connect, sql] = doc.cells;
    expect(connect).toMatchObject({
      cell_type: "code",
      id: "lakebook-connect",
      metadata: { lakebook: { role: "connect" } },
      outputs: [],
    });
    const source: string = connect.source.join("");
    expect(source.startsWith("# Lakebook: connect through Lakebook's API")).toBe(true);
    expect(source).toContain('LAKEBOOK_URL = "http://127.0.0.1:3000"\n');
    expect(source).toContain('LAKEBOOK_CONNECTION = "conn-1"\n');
    expect(source).toContain('os.environ["LAKEBOOK_TOKEN"]');
    expect(source).toContain("@register_cell_magic\ndef sql(line, cell):");
    expect(source).toContain('"api/v1/statements"');
    // Typed as the API binds them; text as a plain string.
    expect(source).toContain(
      '    "start": {"type": "date", "value": "2024-02-29"},\n    "ids": {"type": "multi", "value": ["1", "\\"3\\""]},\n    "from": "x",\n',
    );
    expect(source).not.toMatch(/^import (?!io|os|re|pandas|requests)/m);
    expect(sql.source).toEqual(["%%sql\n", "select :start"]);
  });

  it("names a cell's own connection after %%sql for Lakebook's magic, never for jupysql", () => {
    const content = notebook([
      { kind: "sql", source: "select 1", connectionId: "c-2" },
      { kind: "sql", source: "select 2", connectionId: "bad id\n%x" },
    ]);
    const lakebook = exported(content, { flavour: "jupyter", connect: LAKEBOOK });
    expect(lakebook.cells[1].source[0]).toBe("%%sql c-2\n");
    expect(lakebook.cells[2].source[0]).toBe("%%sql\n");
    const warehouse = exported(content, { flavour: "jupyter", connect: WAREHOUSE });
    expect(warehouse.cells[1].source[0]).toBe("%%sql\n");
  });

  it("connects jupysql straight to a Databricks warehouse through SQLAlchemy, the token from DATABRICKS_TOKEN", () => {
    const content = { ...notebook([{ kind: "sql", source: "select :start" }]), parameters };
    const source: string = exported(content, { flavour: "jupyter", connect: WAREHOUSE }).cells[0].source.join("");
    expect(source.startsWith("# Lakebook: connect straight to the Databricks SQL warehouse")).toBe(true);
    expect(source).toContain("pip install jupysql databricks-sql-connector databricks-sqlalchemy");
    expect(source).toContain('password=os.environ["DATABRICKS_TOKEN"]');
    expect(source).toContain('host="adb-1.azuredatabricks.net",\n        query=');
    // Port 443 is the connector's own; the dialect would ignore a port in the URL anyway.
    expect(source).not.toContain("port=");
    expect(source).not.toContain("_port");
    expect(source).toContain('query={"http_path": "/sql/1.0/warehouses/abc", "catalog": "main", "schema": "sales"}');
    expect(source).toContain("%load_ext sql\n%sql engine\n");
    // Each parameter a Python variable, except one named like a keyword.
    expect(source).toContain('start = "2024-02-29"\nids = ["1", "\\"3\\""]\n');
    expect(source).not.toContain("from = ");
    const bare = exported(notebook([]), { flavour: "jupyter", connect: { ...WAREHOUSE, catalog: null, schema: null } });
    expect(bare.cells[0].source.join("")).toContain('query={"http_path": "/sql/1.0/warehouses/abc"}');
  });

  it("on a connection where each member signs in with Databricks: the connector's browser sign-in, and no token", () => {
    const source: string = exported(notebook([]), {
      flavour: "jupyter",
      connect: { ...WAREHOUSE, port: 8443, browserSignIn: true },
    }).cells[0].source.join("");
    // databricks-sqlalchemy hands the connector the URL's host and query only: another port goes in connect_args.
    expect(source).toContain('connect_args={"auth_type": "databricks-oauth", "_port": 8443}');
    expect(source).not.toContain("port=");
    expect(source).toContain('query={"http_path": "/sql/1.0/warehouses/abc", "catalog": "main", "schema": "sales"}');
    for (const secret of ["TOKEN", "token", "os.environ", "password"]) expect(source).not.toContain(secret);
  });

  it("writes no secret: values from the notebook stay inside string literals", () => {
    const hostile = 'x"\n__import__("os").system("rm -rf /")\n#';
    const content = { ...notebook([]), parameters: [{ name: "p", type: "text" as const, value: hostile }] };
    for (const connect of [
      { ...LAKEBOOK, baseUrl: hostile, connectionId: hostile },
      { ...WAREHOUSE, host: hostile, httpPath: hostile, catalog: hostile, schema: hostile },
    ] as JupyterConnect[]) {
      const source: string = exported(content, { flavour: "jupyter", connect }).cells[0].source.join("");
      expect(source).not.toContain("\n__import__");
      expect(source).toContain(JSON.stringify(hostile));
      expect(source).not.toMatch(/dapi|lkb_/);
    }
  });

  it("makes each stored result the cell's output, numbered in order", () => {
    const content = notebook([
      { kind: "markdown", source: "# Notes" },
      { kind: "sql", source: "select 1 as n" },
      { kind: "sql", source: "never ran" },
      { kind: "sql", source: "select boom" },
      { kind: "sql", source: "create table t (x int)" },
    ]);
    const [, ran, , failed, statement] = content.cells;
    const results: Record<string, CellResult> = {
      [ran.id]: {
        kind: "rows",
        columns: [{ name: "n", type: "INTEGER" }],
        rows: [["1"]],
        rowCount: 1,
        truncated: false,
      },
      [failed.id]: { kind: "error", message: 'Binder Error: column "boom" not found' },
      [statement.id]: { kind: "message", text: "CREATE TABLE: done." },
    };
    const doc = exported(content, { flavour: "jupyter", connect: LAKEBOOK, results });
    const cells = doc.cells.slice(1);
    expect(cells[1].execution_count).toBe(1);
    expect(cells[1].outputs).toEqual([
      {
        output_type: "execute_result",
        execution_count: 1,
        metadata: {},
        data: {
          "text/html":
            '<table class="dataframe">\n<thead><tr><th title="INTEGER">n</th></tr></thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody>\n</table>\n<p>Showing 1 of 1 rows.</p>\n',
          "text/plain": "n\n1\n\nShowing 1 of 1 rows.\n",
        },
      },
    ]);
    expect(cells[2]).toMatchObject({ execution_count: null, outputs: [] });
    expect(cells[3].execution_count).toBe(2);
    expect(cells[3].outputs).toEqual([
      {
        output_type: "error",
        ename: "Error",
        evalue: 'Binder Error: column "boom" not found',
        traceback: ['Binder Error: column "boom" not found'],
      },
    ]);
    expect(cells[4].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "CREATE TABLE: done.\n" }]);
    expect(cells[4].execution_count).toBe(3);
  });
});

describe("ipynb import of both flavours", () => {
  const content = {
    ...notebook([
      { kind: "markdown", source: "# Notes" },
      { kind: "sql", source: "select 1\nfrom t\n", connectionId: "c-2", chart },
      { kind: "sql", source: "%%sql not a magic here" },
      { kind: "sql", source: "" },
    ]),
    parameters: [{ name: "start", type: "date" as const, value: "2024-02-29" }],
  };
  const results: Record<string, CellResult> = {
    [content.cells[1].id]: {
      kind: "rows",
      columns: [{ name: "a", type: "VARCHAR" }],
      rows: [["x"]],
      rowCount: 1,
      truncated: false,
    },
  };
  const written = content.cells.map(({ id: _, ...rest }) => rest);

  it.each([
    ["Jupyter, through Lakebook", { flavour: "jupyter", connect: LAKEBOOK, results }],
    ["Jupyter, to the warehouse", { flavour: "jupyter", connect: WAREHOUSE, results }],
    ["Jupyter, no connect cell", { flavour: "jupyter", results }],
    ["Databricks", { flavour: "databricks", results }],
  ] as [string, IpynbOptions][])("reads back %s: same cells, the connect cell dropped", (_, options) => {
    const file = exportNotebook(content, "ipynb", options);
    const back = importNotebook(file.filename, file.text);
    expect(back.parameters).toEqual(content.parameters);
    expect(back.cells.map((c) => ({ ...c, connectionId: c.connectionId ?? null, chart: c.chart ?? null }))).toEqual(
      written,
    );
  });

  it("drops a connect cell whose metadata was stripped, by its first line only", () => {
    const doc = JSON.parse(exportNotebook(content, "ipynb", { flavour: "jupyter", connect: LAKEBOOK }).text);
    doc.cells[0].metadata = {};
    expect(importNotebook("n.ipynb", JSON.stringify(doc)).cells).toHaveLength(4);
    const text = ipynb([
      { cell_type: "code", source: "# Lakebook: connected by hand\nimport os", outputs: [], metadata: {} },
      { cell_type: "markdown", source: "# Lakebook: connect", metadata: {} },
    ]);
    expect(importNotebook("n.ipynb", text).cells.map((c) => c.kind)).toEqual(["markdown", "markdown"]);
  });
});
