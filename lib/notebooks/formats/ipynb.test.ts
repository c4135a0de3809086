import { describe, expect, it } from "vitest";
import type { ChartSpec, NotebookCell, NotebookContent } from "@/lib/notebooks/types";
import { exportNotebook, importNotebook } from "./index";
import { keepAsText } from "./ipynb";

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

const chart: ChartSpec = { kind: "bar", x: "region", y: ["total", "refunds"], group: null, aggregate: "sum" };

describe("ipynb export", () => {
  it("writes nbformat 4.5 with %sql code cells, markdown cells and the title", () => {
    const content = notebook([
      { kind: "markdown", source: "# Sales\nBy region." },
      { kind: "sql", source: "select region,\n  sum(total)\nfrom sales\n" },
    ]);
    const { filename, mimeType, text } = exportNotebook(content, "ipynb");
    expect(filename).toBe("Sales review.ipynb");
    expect(mimeType).toBe("application/x-ipynb+json");
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ nbformat: 4, nbformat_minor: 5 });
    expect(doc.metadata).toMatchObject({
      title: "Sales review",
      kernelspec: { name: "python3", language: "python" },
      language_info: { name: "python" },
      "application/vnd.databricks.v1+notebook": { notebookName: "Sales review" },
    });
    expect(doc.cells).toEqual([
      { cell_type: "markdown", id: content.cells[0].id, metadata: {}, source: ["# Sales\n", "By region."] },
      {
        cell_type: "code",
        execution_count: null,
        id: content.cells[1].id,
        metadata: {},
        outputs: [],
        source: ["%sql\n", "select region,\n", "  sum(total)\n", "from sales\n"],
      },
    ]);
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
