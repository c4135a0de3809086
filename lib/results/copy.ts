import type { Cell } from "./types";

/**
 * Cells copied from the grid, as text other programs paste: tab-separated
 * values (what spreadsheets read from the clipboard) or a Markdown table.
 * Values are DuckDB's exact text; nothing passes through a number.
 */

/**
 * TSV as spreadsheets paste it: a field with a tab, a line break or a double
 * quote is quoted, with quotes doubled; NULL is an empty field.
 */
export function toTsv(rows: Cell[][], header?: string[]): string {
  const lines = header ? [header, ...rows] : rows;
  return lines.map((row) => row.map(tsvField).join("\t")).join("\n");
}

function tsvField(value: Cell): string {
  if (value === null) return "";
  return /[\t\n\r"]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A GitHub-flavoured Markdown table: `|` escaped, line breaks as `<br>`,
 * NULL as an italic NULL (an empty string stays empty).
 */
export function toMarkdown(header: string[], rows: Cell[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(header.map(markdownText)),
    line(header.map(() => "---")),
    ...rows.map((row) => line(row.map((value) => (value === null ? "_NULL_" : markdownText(value))))),
  ].join("\n");
}

function markdownText(value: string): string {
  return value
    .replaceAll("\\", "\\\\")
    .replaceAll("|", "\\|")
    .replace(/\r\n|\r|\n/g, "<br>");
}
