import type { ImportedNotebook, NotebookContent } from "@/lib/notebooks/types";
import { splitStatementSteps } from "@/lib/sql/split";
import { scanTokenSteps } from "@/lib/sql/tokens";
import { runSteps, type Steps } from "@/lib/steps";
import { cellFromCode, type ImportedCell, toLf } from "./ipynb";
import { readWidgetCommand, widgetCommand } from "./sql-widgets";

/**
 * A .sql file in Databricks' "source" notebook format, so it imports into
 * Databricks too. Kinds and sources travel, and the notebook's parameters as a
 * first command of widgets (sql-widgets.ts), which an import reads back; the
 * format has no place for a cell's connection or chart.
 */

export const DATABRICKS_HEADER = "-- Databricks notebook source";
const SEPARATOR = "-- COMMAND ----------";
const MAGIC = "-- MAGIC";

export function exportSqlFile(content: NotebookContent): string {
  const cells = content.cells.map((cell) => {
    const source = toLf(cell.source);
    if (cell.kind === "sql") return source;
    const lines = source.split("\n").map((line) => (line === "" ? MAGIC : `${MAGIC} ${line}`));
    return [`${MAGIC} %md`, ...lines].join("\n");
  });
  const widgets = widgetCommand(content.parameters ?? []);
  if (widgets !== null) cells.unshift(widgets);
  const body = cells.map((cell) => `${cell}\n`).join(`\n${SEPARATOR}\n\n`);
  return `${DATABRICKS_HEADER}\n${body}`;
}

/**
 * With the Databricks header: one cell per command. Without it: one SQL cell
 * per statement, each with the comments written above it; but separator lines
 * still mean commands, as some export tools strip the header.
 */
export function importSqlFile(text: string, fallbackTitle: string): ImportedNotebook {
  return runSteps(importSqlFileSteps(text, fallbackTitle));
}

/** `importSqlFile` as steps (lib/steps.ts): the server reads a 16 MiB file in slices. */
export function* importSqlFileSteps(text: string, fallbackTitle: string): Steps<ImportedNotebook> {
  const lines = toLf(text.replace(/^\uFEFF/, "")).split("\n");
  yield;
  // The file's last newline ends its last line; it is not an empty line of the last cell.
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  const title = fallbackTitle;
  if (lines[0].trimEnd() === DATABRICKS_HEADER) return withWidgets(title, yield* commandCells(lines.slice(1)));
  if (lines.some((line) => line.trimEnd() === SEPARATOR)) return { title, cells: yield* commandCells(lines) };
  return { title, cells: yield* statementCells(lines.join("\n")) };
}

/** A first command of widgets that the export wrote becomes the notebook's parameters again. */
function withWidgets(title: string, cells: ImportedCell[]): ImportedNotebook {
  const parameters = cells[0]?.kind === "sql" ? readWidgetCommand(cells[0].source) : null;
  return parameters ? { title, cells: cells.slice(1), parameters } : { title, cells };
}

function* commandCells(lines: string[]): Steps<ImportedCell[]> {
  if (lines.length === 0) return [];
  // An unterminated quote would hide every later separator; then split on every separator line, as Databricks does.
  const strict = yield* splitCommands(lines, true);
  const groups = strict.endsOutside ? strict.groups : (yield* splitCommands(lines, false)).groups;
  const cells: ImportedCell[] = [];
  for (const [index, group] of groups.entries()) {
    // The export puts one blank line on each side of a separator; it is not part of the cells.
    let cell = group;
    if (index > 0 && cell[0] === "") cell = cell.slice(1);
    if (index < groups.length - 1 && cell.at(-1) === "") cell = cell.slice(0, -1);
    cells.push(commandCell(cell));
    yield;
  }
  return cells;
}

/**
 * Splits at separator lines. With `respectLiterals`, a separator line inside a
 * string literal or block comment of a SQL cell is SQL, so such cells survive a
 * round trip.
 */
function* splitCommands(
  lines: string[],
  respectLiterals: boolean,
): Steps<{ groups: string[][]; endsOutside: boolean }> {
  const inside = respectLiterals ? yield* linesInsideLiterals(lines) : null;
  const groups: string[][] = [[]];
  lines.forEach((line, index) => {
    if (inside?.lines[index] !== 1 && line.trimEnd() === SEPARATOR) groups.push([]);
    else groups[groups.length - 1].push(line);
  });
  return { groups, endsOutside: !inside?.open };
}

/**
 * Which lines start inside a string, quoted identifier or block comment, as
 * Spark SQL reads the text (one pass over its tokens), and whether one of those
 * runs to the end unclosed.
 */
function* linesInsideLiterals(lines: string[]): Steps<{ lines: Uint8Array; open: boolean }> {
  const text = lines.join("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const inside = new Uint8Array(lines.length);
  let open = false;
  let next = 0; // the first line that starts after the current token's start
  yield* scanTokenSteps(text, "databricks", (kind, start, end, unclosed) => {
    const spans = kind === "string" || kind === "quoted" || (kind === "comment" && text.startsWith("/*", start));
    if (!spans) return true;
    while (next < starts.length && starts[next] <= start) next++;
    while (next < starts.length && starts[next] < end) inside[next++] = 1;
    open ||= unclosed;
    return true;
  });
  return { lines: inside, open };
}

/** A command whose lines all carry `-- MAGIC` holds another cell type (`%md`, `%python`…); otherwise it is SQL. */
function commandCell(lines: string[]): ImportedCell {
  const source = lines.join("\n");
  const first = lines.findIndex((line) => line !== "");
  const isMagic = first >= 0 && lines.every((line) => line === "" || line === MAGIC || line.startsWith(`${MAGIC} `));
  if (!isMagic) return { kind: "sql", source };
  const code = lines
    .slice(first)
    .map((line) => line.slice(MAGIC.length + 1))
    .join("\n");
  // MAGIC lines without a %magic are just comments of a SQL cell.
  return /^%[A-Za-z]/.test(code) ? cellFromCode(code, "sql") : { kind: "sql", source };
}

function* statementCells(text: string): Steps<ImportedCell[]> {
  const statements = yield* splitStatementSteps(text, "databricks");
  // Nothing but comments: keep them rather than lose them.
  if (statements.length === 0) return [{ kind: "sql", source: text.trim() }];
  const last = statements[statements.length - 1];
  const tail = text.slice(last.offset + last.text.length).replace(/^[\s;]+/, "");
  return statements.map((statement) => ({
    kind: "sql",
    // The splitter drops a comment after the last statement; keep it with that statement.
    source: statement === last && tail !== "" ? text.slice(statement.offset).trim() : statement.text,
  }));
}
