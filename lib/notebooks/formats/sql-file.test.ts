import { describe, expect, it } from "vitest";
import type { NotebookCell, NotebookContent } from "@/lib/notebooks/types";
import { exportNotebook, importNotebook } from "./index";
import { keepAsText } from "./ipynb";

type CellInit = Pick<NotebookCell, "kind" | "source">;

function notebook(cells: CellInit[]): NotebookContent {
  return {
    title: "Daily",
    connectionId: "conn-1",
    cells: cells.map((c) => ({ id: crypto.randomUUID(), connectionId: null, chart: null, ...c })),
  };
}

function roundTrip(cells: CellInit[]): CellInit[] {
  const file = exportNotebook(notebook(cells), "sql");
  return importNotebook(file.filename, file.text).cells;
}

describe("sql file export", () => {
  it("writes Databricks source format", () => {
    const file = exportNotebook(
      notebook([
        { kind: "markdown", source: "# Daily\n\nOrders by day." },
        { kind: "sql", source: "select day, count(*)\nfrom orders\ngroup by day" },
      ]),
      "sql",
    );
    expect(file).toEqual({
      filename: "Daily.sql",
      mimeType: "application/sql",
      text: [
        "-- Databricks notebook source",
        "-- MAGIC %md",
        "-- MAGIC # Daily",
        "-- MAGIC",
        "-- MAGIC Orders by day.",
        "",
        "-- COMMAND ----------",
        "",
        "select day, count(*)",
        "from orders",
        "group by day",
        "",
      ].join("\n"),
    });
  });
});

describe("sql file round trip", () => {
  it("gives back the same cells for tricky sources", () => {
    const cells: CellInit[] = [
      { kind: "sql", source: "" },
      { kind: "sql", source: "" },
      { kind: "markdown", source: "" },
      { kind: "sql", source: "\n\nselect 1\n\n" },
      { kind: "markdown", source: "\n  indented\n\n" },
      { kind: "markdown", source: "%sql\nselect 1 -- it's shown, not run\n-- COMMAND ----------\n/* x" },
      { kind: "markdown", source: "Ünïcødé 😀 日本語" },
      { kind: "sql", source: "-- MAGIC is only a comment here\nselect 'naïve 😀'" },
      { kind: "sql", source: "%md is not a magic in a SQL cell" },
      { kind: "sql", source: `select ${"'x', ".repeat(100_000)}1` },
      { kind: "sql", source: "" },
    ];
    expect(roundTrip(cells)).toEqual(cells);
    expect(roundTrip([])).toEqual([]);
  });

  it("keeps a separator line inside a string literal or block comment in its SQL cell", () => {
    const cells: CellInit[] = [
      { kind: "sql", source: "select '\n-- COMMAND ----------\n' as s" },
      { kind: "sql", source: 'select "it\\"s\n-- COMMAND ----------\n", `odd``\n-- COMMAND ----------\n`' },
      { kind: "sql", source: "/* notes\n-- COMMAND ----------\n*/ select 1 -- it's" },
      { kind: "sql", source: "select 2" },
    ];
    expect(roundTrip(cells)).toEqual(cells);
  });

  it("still finds every cell when one has an unterminated literal", () => {
    const cells: CellInit[] = [
      { kind: "sql", source: "select 'oops" },
      { kind: "markdown", source: "notes" },
      { kind: "sql", source: "select 2" },
    ];
    expect(roundTrip(cells)).toEqual(cells);
  });

  it("turns CRLF line endings into LF", () => {
    expect(roundTrip([{ kind: "sql", source: "select 1\r\nfrom t" }])).toEqual([
      { kind: "sql", source: "select 1\nfrom t" },
    ]);
  });
});

describe("sql file import", () => {
  it("reads a file exported by Databricks", () => {
    const text = [
      "\uFEFF-- Databricks notebook source",
      "-- MAGIC %md-sandbox",
      "-- MAGIC <b>Orders</b>",
      "-- MAGIC ",
      "",
      "-- COMMAND ----------",
      "",
      "-- MAGIC %md # Inline heading",
      "",
      "-- COMMAND ----------",
      "",
      "SELECT * FROM orders",
      "",
      "-- COMMAND ----------",
      "",
      "-- MAGIC %python",
      "-- MAGIC display(spark.table('orders'))",
      "",
      "-- COMMAND ----------",
      "",
      "-- MAGIC %run ./setup",
      "",
      "-- COMMAND ----------",
      "",
      "-- MAGIC %sql",
      "-- MAGIC select 2",
    ].join("\r\n");
    expect(importNotebook("orders.sql", text)).toEqual({
      title: "orders",
      cells: [
        { kind: "markdown", source: "<b>Orders</b>\n" },
        { kind: "markdown", source: "# Inline heading" },
        { kind: "sql", source: "SELECT * FROM orders" },
        keepAsText("python", "display(spark.table('orders'))"),
        keepAsText("%run", "%run ./setup", ""),
        { kind: "sql", source: "select 2" },
      ],
    });
  });

  it("accepts hand-written separators without blank lines around them", () => {
    const text = "-- Databricks notebook source\nselect 1\n-- COMMAND ----------  \nselect 2";
    expect(importNotebook("hand.sql", text).cells).toEqual([
      { kind: "sql", source: "select 1" },
      { kind: "sql", source: "select 2" },
    ]);
  });

  it("splits at a separator comment outside any literal, as Databricks does", () => {
    const text = exportNotebook(
      notebook([{ kind: "sql", source: "select 1\n-- COMMAND ----------\nselect 2" }]),
      "sql",
    );
    expect(importNotebook("a.sql", text.text).cells.map((c) => c.source)).toEqual(["select 1", "select 2"]);
  });

  it("reads commands of a file whose header was stripped", () => {
    const text = "-- MAGIC %md\n-- MAGIC Notes\n\n-- COMMAND ----------\n\nselect 1; select 2\n";
    expect(importNotebook("stripped.sql", text).cells).toEqual([
      { kind: "markdown", source: "Notes" },
      { kind: "sql", source: "select 1; select 2" },
    ]);
  });

  it("keeps MAGIC comments without a magic as SQL", () => {
    const text = "-- Databricks notebook source\n-- MAGIC just a comment\n-- MAGIC";
    expect(importNotebook("a.sql", text).cells).toEqual([{ kind: "sql", source: "-- MAGIC just a comment\n-- MAGIC" }]);
  });

  it("reads a plain .sql file as one cell per statement, comments staying with their statement", () => {
    const text = [
      "-- Daily orders",
      "select count(*) from orders;",
      "",
      "/* by region; top first */",
      "select region, 'a;b' as s, `c;d` from orders order by 2 desc ;",
      "select 'it\\'s' -- trailing note",
      "; -- the end",
      "",
    ].join("\n");
    expect(importNotebook("queries.SQL", text)).toEqual({
      title: "queries",
      cells: [
        { kind: "sql", source: "-- Daily orders\nselect count(*) from orders" },
        {
          kind: "sql",
          source: "/* by region; top first */\nselect region, 'a;b' as s, `c;d` from orders order by 2 desc",
        },
        { kind: "sql", source: "select 'it\\'s' -- trailing note\n; -- the end" },
      ],
    });
  });

  it("keeps a comment-only file as one cell", () => {
    expect(importNotebook("notes.sql", "-- todo: write the query\n").cells).toEqual([
      { kind: "sql", source: "-- todo: write the query" },
    ]);
  });

  it("recognises a Databricks source file without the .sql extension", () => {
    expect(importNotebook("export", "-- Databricks notebook source\nselect 1").cells).toEqual([
      { kind: "sql", source: "select 1" },
    ]);
  });

  it("rejects empty files and files of an unknown type", () => {
    expect(() => importNotebook("empty.sql", "")).toThrow("The file is empty.");
    expect(() => importNotebook("blank.sql", " \r\n\t")).toThrow("The file is empty.");
    expect(() => importNotebook("notes.txt", "select 1")).toThrow(
      "Choose a Jupyter notebook (.ipynb) or a SQL file (.sql).",
    );
  });

  it("rejects more cells than a notebook holds", () => {
    const text = "select 1;\n".repeat(5001);
    expect(() => importNotebook("many.sql", text)).toThrow("The file has 5001 cells");
  });
});
