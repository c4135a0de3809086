import { displayCell, formatCount } from "@/lib/results/format";
import type { Cell, ResultColumn } from "@/lib/results/types";

/**
 * A SQL cell's stored result as Jupyter outputs: the first rows as an HTML
 * table and as text, and a line that says how many rows there are. Values
 * come from a member's data, so every one is escaped, cut like the grid cuts
 * it, and the whole is bounded: a huge result cannot make a huge file.
 */

/** What the server found for a cell (lib/server/notebook-results.ts gathers it). */
export type CellResult =
  | { kind: "rows"; columns: ResultColumn[]; rows: Cell[][]; rowCount: number; truncated: boolean }
  /** A statement without a result set: "INSERT: 2 rows affected." */
  | { kind: "message"; text: string }
  | { kind: "error"; message: string }
  /** Cancelled, expired or removed to free space: said as text. */
  | { kind: "note"; text: string };

export const OUTPUT_LIMITS = {
  rows: 20,
  columns: 50,
  /** Characters of one value shown, as in the grid. */
  valueChars: 200,
  /** Characters of one cell's outputs (HTML and text); rows are left out until they fit (one row stays). */
  cellChars: 100_000,
  /** Characters of outputs in the whole file; later cells say their result is left out. */
  fileChars: 4_000_000,
  messageChars: 4_000,
} as const;

export type NbOutput = Record<string, unknown>;

/** Shares `fileChars` between the cells of one export, in order. */
export class OutputBudget {
  constructor(private left: number = OUTPUT_LIMITS.fileChars) {}

  /** The cell's outputs, or a short note once the file's budget is spent. */
  outputs(result: CellResult, executionCount: number): NbOutput[] {
    if (result.kind !== "rows") return messageOutputs(result);
    if (this.left <= 0) {
      return [stream("stdout", "Result not included: this file already holds as many results as it may.\n")];
    }
    const limit = Math.min(this.left, OUTPUT_LIMITS.cellChars);
    const table = shownTable(result);
    let output = tableOutput(result, table, executionCount);
    while (table.rows.length > 1 && output.chars > limit) {
      // Rows are alike in size more often than not: guess how many fit, then take one more off while it does not.
      const fit = Math.floor((table.rows.length * limit) / output.chars);
      const keep = Math.max(1, Math.min(table.rows.length - 1, fit));
      table.rows.length = keep;
      table.nulls.length = keep;
      output = tableOutput(result, table, executionCount);
    }
    this.left -= output.chars;
    return [output.json];
  }
}

function messageOutputs(result: Exclude<CellResult, { kind: "rows" }>): NbOutput[] {
  if (result.kind === "error") {
    const message = clip(result.message, OUTPUT_LIMITS.messageChars);
    return [{ output_type: "error", ename: "Error", evalue: message, traceback: [message] }];
  }
  return [stream("stdout", `${clip(result.text, OUTPUT_LIMITS.messageChars)}\n`)];
}

interface ShownTable {
  /** Names and types of the shown columns, each on one line and cut like a value. */
  columns: ResultColumn[];
  rows: string[][];
  /** Which shown values are SQL NULL (shown in italics in HTML). */
  nulls: boolean[][];
}

/** The first rows and columns, each value as the grid shows it (one line, cut with an ellipsis). */
function shownTable(result: Extract<CellResult, { kind: "rows" }>): ShownTable {
  const columns = result.columns
    .slice(0, OUTPUT_LIMITS.columns)
    .map((c) => ({ name: shownText(c.name), type: shownText(c.type) }));
  const shown: ShownTable = { columns, rows: [], nulls: [] };
  for (const row of result.rows.slice(0, OUTPUT_LIMITS.rows)) {
    const cells = columns.map((_, i) => displayCell(head(row[i] ?? null), OUTPUT_LIMITS.valueChars));
    // The grid marks an empty string with a word; here it is an empty cell, and NULL reads "NULL".
    shown.rows.push(cells.map((c) => (c.isEmpty ? "" : c.text)));
    shown.nulls.push(cells.map((c) => c.isNull));
  }
  return shown;
}

function tableOutput(result: Extract<CellResult, { kind: "rows" }>, table: ShownTable, executionCount: number) {
  const summary = capitalize(summaryLine(result, table.rows.length, table.columns.length));
  const html = htmlTable(table, summary);
  const text = textTable(table, summary);
  const json = {
    output_type: "execute_result",
    execution_count: executionCount,
    metadata: {},
    data: { "text/html": html, "text/plain": text },
  };
  return { json, chars: html.length + text.length };
}

/** "showing 20 of 1,000 rows", and what was left out or cut. */
export function summaryLine(
  result: Extract<CellResult, { kind: "rows" }>,
  shownRows: number,
  shownColumns: number,
): string {
  let line = `showing ${formatCount(shownRows)} of ${formatCount(result.rowCount)} rows`;
  if (shownColumns < result.columns.length) {
    line += ` and ${formatCount(shownColumns)} of ${formatCount(result.columns.length)} columns`;
  }
  if (result.truncated) line += ` (Lakebook stored the first ${formatCount(result.rowCount)} rows only)`;
  return `${line}.`;
}

function htmlTable(table: ShownTable, summary: string): string {
  const head = table.columns.map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}</th>`).join("");
  const body = table.rows
    .map((row, r) => {
      const cells = row.map((text, c) =>
        table.nulls[r][c] ? "<td><em>NULL</em></td>" : `<td>${escapeHtml(text)}</td>`,
      );
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table class="dataframe">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n<p>${escapeHtml(summary)}</p>\n`;
}

/** Columns padded to their widest shown value (in code points), like pandas prints a frame. */
function textTable(table: ShownTable, summary: string): string {
  const names = table.columns.map((c) => c.name);
  const widths = names.map((name, c) => Math.max(width(name), ...table.rows.map((row) => width(row[c]))));
  const line = (cells: string[]) => cells.map((text, c) => text + " ".repeat(widths[c] - width(text))).join("  ");
  const lines = [names, ...table.rows].map((cells) => line(cells).trimEnd());
  return `${lines.join("\n")}\n\n${summary}\n`;
}

const width = (text: string) => Array.from(text).length;

/** A name or type as the grid shows a value: one line, cut with an ellipsis. */
const shownText = (text: string) => (text === "" ? "" : displayCell(head(text), OUTPUT_LIMITS.valueChars).text);

/** Enough of a value to show and to know it was cut (more than `valueChars` code points), without reading all of a huge one. */
function head<T extends string | null>(value: T): T {
  const most = OUTPUT_LIMITS.valueChars * 2 + 2;
  return (value !== null && value.length > most ? value.slice(0, most) : value) as T;
}

/** Escapes everything HTML could read as markup or an attribute's end. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function stream(name: "stdout" | "stderr", text: string): NbOutput {
  return { output_type: "stream", name, text };
}

function clip(text: string, limit: number): string {
  const chars = Array.from(text.slice(0, limit * 2));
  if (chars.length <= limit && text.length <= limit * 2) return chars.join("");
  return `${chars.slice(0, limit).join("")}…`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
