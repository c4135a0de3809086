import { UserError } from "@/lib/action-result";
import type { ImportedNotebook, NotebookContent } from "@/lib/notebooks/types";
import { MAX_CELLS, MAX_NOTEBOOK_CHARS } from "@/lib/schemas/notebooks";
import { runSteps, type Steps } from "@/lib/steps";
import { MAX_DRAFT_CHARS } from "@/lib/tabs";
import { containsNul, NUL_MESSAGE } from "@/lib/text-input";
import { fileTooLarge, MAX_IMPORT_BYTES } from "../limits";
import { exportIpynb, type IpynbOptions, importIpynbSteps } from "./ipynb";
import { DATABRICKS_HEADER, exportSqlFile, importSqlFileSteps } from "./sql-file";

/** Notebook files Lakebook reads and writes: Jupyter notebooks and Databricks-style .sql files. */

export type NotebookFormat = "ipynb" | "sql";

export interface ExportedNotebook {
  filename: string;
  mimeType: string;
  text: string;
}

const MIME_TYPES: Record<NotebookFormat, string> = { ipynb: "application/x-ipynb+json", sql: "application/sql" };
const MAX_FILE_CHARS = MAX_IMPORT_BYTES;
const MAX_TITLE_CHARS = 200;
const UNTITLED = "Imported notebook";

export type { IpynbOptions } from "./ipynb";
export type { JupyterConnect } from "./ipynb-connect";
export type { CellResult } from "./ipynb-outputs";

export function exportNotebook(
  content: NotebookContent,
  format: NotebookFormat,
  ipynb: IpynbOptions = { flavour: "jupyter" },
): ExportedNotebook {
  const text = format === "ipynb" ? exportIpynb(content, ipynb) : exportSqlFile(content);
  return { filename: `${fileBaseName(content.title)}.${format}`, mimeType: MIME_TYPES[format], text };
}

/** Reads an uploaded file; throws UserError with a message for the person who chose it. */
export function importNotebook(filename: string, text: string): ImportedNotebook {
  return runSteps(importNotebookSteps(filename, text));
}

/** `importNotebook` as steps (lib/steps.ts), which the server runs in slices. */
export function* importNotebookSteps(filename: string, text: string): Steps<ImportedNotebook> {
  if (text.length > MAX_FILE_CHARS) throw new UserError(fileTooLarge());
  if (text.trim() === "") throw new UserError("The file is empty.");
  const fallbackTitle = titleFromFilename(filename);
  const notebook =
    formatOf(filename, text) === "ipynb"
      ? yield* importIpynbSteps(text, fallbackTitle)
      : yield* importSqlFileSteps(text, fallbackTitle);
  if (notebook.cells.length > MAX_CELLS) {
    throw new UserError(`The file has ${notebook.cells.length} cells; a notebook holds at most ${MAX_CELLS}.`);
  }
  checkSizes(notebook);
  // JSON can spell a NUL as \u0000; PostgreSQL text cannot store one.
  if (containsNul(notebook)) throw new UserError(NUL_MESSAGE);
  return { ...notebook, title: clampTitle(notebook.title) };
}

/** The notebook the file makes must be one that can be saved: each cell and the whole within their limits. */
function checkSizes(notebook: ImportedNotebook): void {
  let total = 0;
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.source.length > MAX_DRAFT_CHARS) {
      throw new UserError(
        `Cell ${index + 1} of the file holds ${count(cell.source.length)} characters; a cell holds at most ${count(MAX_DRAFT_CHARS)}.`,
      );
    }
    total += cell.source.length;
  }
  if (total > MAX_NOTEBOOK_CHARS) {
    throw new UserError(
      `The file's cells hold ${count(total)} characters; a notebook holds at most ${count(MAX_NOTEBOOK_CHARS)}. Split it into several notebooks to import it.`,
    );
  }
}

const count = (n: number) => n.toLocaleString("en-US");

/** By extension; a file without a known one is recognised by how it starts. */
function formatOf(filename: string, text: string): NotebookFormat {
  const extension = /\.([^./\\]+)$/.exec(filename)?.[1].toLowerCase();
  if (extension === "ipynb" || extension === "sql") return extension;
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("{")) return "ipynb";
  if (start.startsWith(DATABRICKS_HEADER)) return "sql";
  throw new UserError("Choose a Jupyter notebook (.ipynb) or a SQL file (.sql).");
}

function titleFromFilename(filename: string): string {
  const base = filename.split(/[/\\]/).pop() ?? "";
  return base.replace(/\.[^.]*$/, "").trim() || UNTITLED;
}

/**
 * Titles are stored up to 200 characters; cut without splitting a surrogate pair.
 * Only the start of a huge title is read: a file may come from anywhere.
 */
function clampTitle(title: string): string {
  const trimmed = title
    .trimStart()
    .slice(0, MAX_TITLE_CHARS * 2)
    .trim()
    .replace(/\s+/g, " ");
  if (trimmed === "") return UNTITLED;
  return trimmed.length <= MAX_TITLE_CHARS
    ? trimmed
    : trimmed.slice(0, MAX_TITLE_CHARS).replace(/[\uD800-\uDBFF]$/, "");
}

/** A name every OS accepts: no path separators, reserved or control characters, no leading dot. */
function fileBaseName(title: string): string {
  const safe = title
    .slice(0, MAX_TITLE_CHARS)
    .replace(/[\p{Cc}/\\:*?"<>|]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  return (
    safe
      .slice(0, 100)
      .replace(/[\uD800-\uDBFF]$/, "")
      .trim() || "notebook"
  );
}
