import { describe, expect, it } from "vitest";
import type { NotebookContent } from "@/lib/notebooks/types";
import type { Cell } from "@/lib/results/types";
import { exportNotebook } from "./index";
import { type CellResult, escapeHtml, OUTPUT_LIMITS, OutputBudget } from "./ipynb-outputs";

type Rows = Extract<CellResult, { kind: "rows" }>;

function rows(columns: string[], values: Cell[][], extra: Partial<Rows> = {}): Rows {
  const cols = columns.map((name) => ({ name, type: "VARCHAR" }));
  return { kind: "rows", columns: cols, rows: values, rowCount: values.length, truncated: false, ...extra };
}

function output(result: CellResult, budget = new OutputBudget()) {
  const [out] = budget.outputs(result, 1) as { data: { "text/html": string; "text/plain": string } }[];
  return { html: out.data["text/html"], text: out.data["text/plain"] };
}

/** The text of every element of an HTML fragment, in order, and every tag name: what a browser would build. */
function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1]);
}

const MiB = 1024 * 1024;

describe("a stored result as a Jupyter output", () => {
  it("shows exact values as the app does, NULL apart from the empty string", () => {
    const { html, text } = output(
      rows(
        ["big_id", "amount", "happened_at", "s"],
        [
          ["9007199254740993", "1234567890123456789012345678.0123456789", "2024-02-29 23:59:59.999999", ""],
          [null, "-9999999999999999999999999999.9999999999", "1970-01-01 00:00:00.000001", "line one\nline two"],
        ],
      ),
    );
    expect(html).toContain(
      "<tr><td>9007199254740993</td><td>1234567890123456789012345678.0123456789</td><td>2024-02-29 23:59:59.999999</td><td></td></tr>",
    );
    expect(html).toContain("<tr><td><em>NULL</em></td><td>-9999999999999999999999999999.9999999999</td>");
    expect(html).toContain("<td>line one⏎line two</td>");
    expect(text.split("\n")).toEqual([
      "big_id            amount                                    happened_at                 s",
      "9007199254740993  1234567890123456789012345678.0123456789   2024-02-29 23:59:59.999999",
      "NULL              -9999999999999999999999999999.9999999999  1970-01-01 00:00:00.000001  line one⏎line two",
      "",
      "Showing 2 of 2 rows.",
      "",
    ]);
  });

  it("escapes hostile values, names and types: no markup of theirs reaches the HTML", () => {
    const evil = `<script>alert(1)</script><img src=x onerror="alert('x')">&amp;`;
    const result: Rows = {
      ...rows([evil], [[evil], [`</td></tr></table><iframe>`]]),
      columns: [{ name: evil, type: `VARCHAR" onmouseover="alert(1)` }],
    };
    const { html, text } = output(result);
    expect(tags(html).filter((t) => !["table", "thead", "tbody", "tr", "th", "td", "p", "em"].includes(t))).toEqual([]);
    expect(html).not.toMatch(/<script|<img|<iframe|onerror="|" onmouseover/i);
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain("&#38;amp;");
    expect(escapeHtml(`&<>"'`)).toBe("&#38;&#60;&#62;&#34;&#39;");
    // Plain text is shown as text by Jupyter: kept as it is.
    expect(text).toContain("<script>alert(1)</script>");
  });

  it("cuts a 1 MiB value, name or message like the grid does", () => {
    const huge = "<".repeat(MiB);
    const { html, text } = output({ ...rows([huge], [[huge]]), columns: [{ name: huge, type: huge }] });
    expect(html.length).toBeLessThan(5_000);
    expect(text.length).toBeLessThan(1_000);
    expect(text).toContain(`${"<".repeat(OUTPUT_LIMITS.valueChars)}…`);
    const [error] = new OutputBudget().outputs({ kind: "error", message: `${"x".repeat(MiB)}` }, 1) as {
      evalue: string;
    }[];
    expect(error.evalue.length).toBe(OUTPUT_LIMITS.messageChars + 1);
    const [note] = new OutputBudget().outputs({ kind: "message", text: "😀".repeat(MiB) }, 1) as { text: string }[];
    expect(Array.from(note.text)).toHaveLength(OUTPUT_LIMITS.messageChars + 2);
  });

  it("shows the first rows and columns of a large result, and says how many there are", () => {
    const columns = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const values = Array.from({ length: 50_000 }, (_, r) => columns.map((_, c) => `${r}:${c}`));
    const { html, text } = output(rows(columns, values, { rowCount: 50_000, truncated: true }));
    expect(tags(html).filter((t) => t === "tr")).toHaveLength(2 * (1 + OUTPUT_LIMITS.rows));
    expect(tags(html).filter((t) => t === "th")).toHaveLength(2 * OUTPUT_LIMITS.columns);
    const summary = "Showing 20 of 50,000 rows and 50 of 60 columns (Lakebook stored the first 50,000 rows only).";
    expect(html).toContain(`<p>${summary}</p>`);
    expect(text.endsWith(`\n\n${summary}\n`)).toBe(true);
    expect(text).toContain("19:49");
    expect(text).not.toContain("20:0");
  });

  it("leaves rows out of a cell whose outputs would be too large, keeping at least one", () => {
    const wide = Array.from({ length: 50 }, (_, c) => `c${c}`);
    const values = Array.from({ length: 20 }, () => wide.map(() => "&".repeat(500)));
    const { html, text } = output(rows(wide, values));
    expect(html.length + text.length).toBeLessThanOrEqual(OUTPUT_LIMITS.cellChars);
    expect(html).toMatch(/<p>Showing \d of 20 rows\.<\/p>/);
    const tight = output(rows(wide, values), new OutputBudget(1));
    expect(tight.html).toContain("<p>Showing 1 of 20 rows.</p>");
  });

  it("bounds the whole file: once it holds enough results, later cells say so", () => {
    const huge = "\"'<>&".repeat(MiB / 5);
    const wide = Array.from({ length: 50 }, (_, c) => `c${c}`);
    const result = rows(
      wide,
      Array.from({ length: 20 }, () => wide.map(() => huge)),
    );
    const content: NotebookContent = {
      title: "Big",
      connectionId: "builtin",
      cells: Array.from({ length: 300 }, () => ({
        id: crypto.randomUUID(),
        kind: "sql" as const,
        source: "select 1",
        connectionId: null,
        chart: null,
      })),
    };
    const results = Object.fromEntries(content.cells.map((c) => [c.id, result]));
    const { text } = exportNotebook(content, "ipynb", { flavour: "jupyter", results });
    expect(text.length).toBeLessThan(OUTPUT_LIMITS.fileChars * 1.5);
    const doc = JSON.parse(text);
    expect(doc.cells.at(-1).outputs).toEqual([
      {
        output_type: "stream",
        name: "stdout",
        text: "Result not included: this file already holds as many results as it may.\n",
      },
    ]);
    expect(doc.cells[0].outputs[0].output_type).toBe("execute_result");
  });
});
