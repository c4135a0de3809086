import { describe, expect, it } from "vitest";
import { UserError } from "@/lib/action-result";
import type { NotebookContent } from "@/lib/notebooks/types";
import { HOSTILE_SQL, MIB } from "@/tests/support/hostile-sql";
import { exportNotebook, importNotebook } from "./index";

/**
 * Imports and exports read files of up to 16 MiB on the server: each scanner in
 * them must stay linear. A quadratic one takes minutes on these inputs, so the
 * timeout catches it without measuring time.
 */

/** Imports, accepting a clear refusal (too many cells, not a notebook) as an answer too. */
function tryImport(filename: string, text: string): string {
  try {
    const notebook = importNotebook(filename, text);
    expect(notebook.title.length).toBeLessThanOrEqual(200);
    return `${notebook.cells.length} cells`;
  } catch (error) {
    if (!UserError.is(error)) throw error;
    return error.message;
  }
}

function ipynb(source: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ nbformat: 4, metadata: {}, cells: [{ cell_type: "code", source, metadata: {} }], ...extra });
}

const options = { timeout: 15_000 };
const ONE_CELL_OR_REFUSED =
  /^1 cells$|^Cell 1 of the file holds [\d,]+ characters; a cell holds at most 2,097,152\.$|NUL character/;

describe("notebook import and export on 1 MiB hostile inputs", () => {
  for (const [name, sql] of Object.entries(HOSTILE_SQL)) {
    it(name, options, () => {
      expect(tryImport("plain.sql", sql)).toBeTypeOf("string");
      expect(tryImport("source.sql", `-- Databricks notebook source\n${sql}\n-- COMMAND ----------\nselect 1`)).toMatch(
        sql.includes("\0") ? /NUL character/ : /^2 cells$/,
      );
      // One cell, or a clear refusal when it holds a NUL or more than a cell may.
      expect(tryImport("cell.ipynb", ipynb(`%sql\n${sql}`))).toMatch(ONE_CELL_OR_REFUSED);
      expect(tryImport("magic.ipynb", ipynb(`%${sql}`))).toMatch(ONE_CELL_OR_REFUSED);
      const content: NotebookContent = {
        title: "t",
        connectionId: "builtin",
        cells: [
          { id: "a", kind: "sql", source: sql, connectionId: null, chart: null },
          { id: "b", kind: "markdown", source: sql, connectionId: null, chart: null },
        ],
      };
      for (const format of ["sql", "ipynb"] as const) {
        const file = exportNotebook(content, format);
        expect(tryImport(file.filename, file.text)).toBeTypeOf("string");
      }
    });
  }

  it("lines of separators, backticks, carriage returns and MAGIC", options, () => {
    for (const unit of ["-- COMMAND ----------\n", "`", "\r", "\r\n", "-- MAGIC %md\n", "-- MAGIC\n", "%%sql\n"]) {
      const body = unit.repeat(Math.ceil(MIB / unit.length));
      expect(tryImport("a.sql", `-- Databricks notebook source\n${body}`)).toBeTypeOf("string");
      expect(tryImport("a.sql", body)).toBeTypeOf("string");
      expect(tryImport("a.ipynb", ipynb(body))).toBeTypeOf("string");
    }
  });

  it("huge titles and file names", options, () => {
    for (const title of [`${" ".repeat(MIB)}x`, "\ud800".repeat(MIB), "\t x".repeat(MIB / 3), "../".repeat(MIB / 3)]) {
      const metadata = { title, "application/vnd.databricks.v1+notebook": { notebookName: title } };
      expect(tryImport("a.ipynb", ipynb("select 1", { metadata }))).toBe("1 cells");
      expect(tryImport(`${title}.sql`, "select 1")).toBe("1 cells");
      expect(tryImport(`${title}.ipynb`, ipynb("select 1"))).toBe("1 cells");
      const file = exportNotebook({ title, connectionId: "builtin", cells: [] }, "sql");
      expect(file.filename.length).toBeLessThanOrEqual(104);
    }
    for (const filename of [".a".repeat(MIB / 2), `.${"a".repeat(MIB)}/`, "/".repeat(MIB), "\\.".repeat(MIB / 2)]) {
      expect(tryImport(filename, "-- Databricks notebook source\nselect 1")).toBe("1 cells");
    }
  });

  it("a 16 MiB file of each format", options, () => {
    const nested = "/* ".repeat((16 * MIB) / 3);
    expect(tryImport("big.sql", nested)).toMatch(
      /^Cell 1 of the file holds 16,777,214 characters; a cell holds at most/,
    );
    expect(tryImport("big.ipynb", ipynb(`%sql\n${"'".repeat(16 * MIB + 1)}`))).toMatch(/^The file is larger than/);
    expect(tryImport("big.ipynb", ipynb(`%sql\n${"'".repeat(16 * MIB - 200)}`))).toMatch(/^Cell 1 of the file holds/);
    // Many cells within the per-cell limit, over the notebook's: refused as a whole.
    const many = Array.from({ length: 500 }, () => ({ cell_type: "code", source: `%sql\n${"x".repeat(32 * 1024)}` }));
    expect(tryImport("many.ipynb", JSON.stringify({ nbformat: 4, metadata: {}, cells: many }))).toMatch(
      /^The file's cells hold 16,384,000 characters; a notebook holds at most 8,388,608\. Split it/,
    );
    // The largest notebook that can be saved (4 cells of 2 MiB) is accepted.
    const largest = Array.from({ length: 4 }, () => ({ cell_type: "code", source: `%sql\n${"x".repeat(2 * MIB)}` }));
    expect(tryImport("largest.ipynb", JSON.stringify({ nbformat: 4, metadata: {}, cells: largest }))).toBe("4 cells");
  });
});
