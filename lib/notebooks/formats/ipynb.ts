import { UserError } from "@/lib/action-result";
import type { ImportedNotebook, NotebookCell, NotebookContent } from "@/lib/notebooks/types";
import { chartSpecInput } from "@/lib/schemas/charts";
import { parameterSpecs } from "@/lib/schemas/parameters";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { runSteps, type Steps } from "@/lib/steps";
import { connectSource, isConnectCell, type JupyterConnect } from "./ipynb-connect";
import { type CellResult, OutputBudget } from "./ipynb-outputs";

/**
 * Jupyter notebooks (nbformat 4.5), in two flavours. "jupyter": SQL cells are
 * `%%sql` cell magics after a first cell that connects (ipynb-connect.ts),
 * and each cell's stored result is its output (ipynb-outputs.ts).
 * "databricks": `%sql` cells and Databricks' notebook metadata, as Databricks
 * exports them. Lakebook's per-cell extras (a cell's connection, its chart)
 * and the notebook's parameters ride in `metadata.lakebook` and are validated
 * on the way back in; import reads both flavours and drops the connect cell.
 */

export interface IpynbOptions {
  flavour: "jupyter" | "databricks";
  /** The first cell's connection (Jupyter flavour); none: no connect cell. */
  connect?: JupyterConnect | null;
  /** Each SQL cell's stored result, by cell id. */
  results?: Record<string, CellResult>;
}

export type ImportedCell = ImportedNotebook["cells"][number];
type CellExtras = Partial<Pick<NotebookCell, "connectionId" | "chart">>;

const DATABRICKS = "application/vnd.databricks.v1+notebook";
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;
const CONNECTION_ID = /^[\w.:-]{1,64}$/;
const LANGUAGE = /^[\w+#.-]{1,32}$/;
/** First line of a code cell naming its language: `%sql`, `%%sql conn`, `%md # Title`, `%python`… */
const MAGIC_LINE = /^%(%?)([A-Za-z][\w-]*)([^\n]*)(\n|$)/;
/** Magics that switch the cell to a language Lakebook cannot run, with the fence label to use. */
const LANGUAGE_MAGICS: Record<string, string> = {
  python: "python",
  py: "python",
  pyspark: "python",
  scala: "scala",
  r: "r",
  sh: "sh",
  bash: "bash",
};

export function exportIpynb(content: NotebookContent, options: IpynbOptions = { flavour: "jupyter" }): string {
  const used = new Set<string>();
  const budget = new OutputBudget();
  let executed = 0;
  const cells: Record<string, unknown>[] = content.cells.map((cell, index) => {
    const id = uniqueCellId(cell.id, index, used);
    const source = toLf(cell.source);
    if (cell.kind === "markdown") return { cell_type: "markdown", id, metadata: {}, source: sourceLines(source) };
    const result = options.results?.[cell.id];
    const count = result ? ++executed : null;
    return {
      cell_type: "code",
      execution_count: count,
      id,
      metadata: cellMetadata(cell),
      outputs: result && count ? budget.outputs(result, count) : [],
      source: sourceLines(`${magicLine(cell, options)}\n${source}`),
    };
  });
  if (options.flavour === "jupyter" && options.connect) {
    cells.unshift({
      cell_type: "code",
      execution_count: null,
      id: uniqueCellId("lakebook-connect", 0, used),
      metadata: { lakebook: { role: "connect" } },
      outputs: [],
      source: sourceLines(connectSource(options.connect, content.parameters ?? [])),
    });
  }
  const notebook = {
    cells,
    metadata: {
      // `%%sql` and `%sql` are magics of IPython kernels (jupysql, Databricks): the cells run there, not in a "SQL kernel".
      kernelspec: { display_name: "Python 3", language: "python", name: "python3" },
      language_info: { name: "python" },
      title: content.title,
      ...(options.flavour === "databricks"
        ? { [DATABRICKS]: { language: "python", notebookName: content.title } }
        : {}),
      ...((content.parameters ?? []).length > 0 ? { lakebook: { parameters: content.parameters } } : {}),
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/**
 * Databricks runs `%sql` cells; jupysql needs the `%%sql` cell magic for SQL
 * over several lines. Lakebook's own magic takes a cell's connection after it.
 */
function magicLine(cell: NotebookCell, options: IpynbOptions): string {
  if (options.flavour === "databricks") return "%sql";
  const own = options.connect?.kind === "lakebook" && cell.connectionId && CONNECTION_ID.test(cell.connectionId);
  return own ? `%%sql ${cell.connectionId}` : "%%sql";
}

export function importIpynb(text: string, fallbackTitle: string): ImportedNotebook {
  return runSteps(importIpynbSteps(text, fallbackTitle));
}

/** `importIpynb` as steps (lib/steps.ts): one parse of the JSON, then a pause allowed after each cell. */
export function* importIpynbSteps(text: string, fallbackTitle: string): Steps<ImportedNotebook> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UserError("This .ipynb file is not valid JSON.");
  }
  if (!isRecord(doc) || !Array.isArray(doc.cells) || typeof doc.nbformat !== "number") {
    throw new UserError("This file is not a Jupyter notebook: it has no nbformat version or no list of cells.");
  }
  if (doc.nbformat !== 4) {
    throw new UserError(
      `This notebook uses nbformat ${doc.nbformat}; only nbformat 4 is supported. Save it again with a recent Jupyter.`,
    );
  }
  const metadata = isRecord(doc.metadata) ? doc.metadata : {};
  const language = notebookLanguage(metadata);
  yield;
  const cells: ImportedCell[] = [];
  for (const [index, cell] of doc.cells.entries()) {
    const imported = importCell(cell, index, language);
    if (imported) cells.push(imported);
    yield;
  }
  const parameters = notebookParameters(metadata);
  return { title: notebookTitle(metadata) ?? fallbackTitle, cells, ...(parameters ? { parameters } : {}) };
}

/** The notebook's parameter widgets, when the file has well-formed ones (a file may come from anywhere). */
function notebookParameters(metadata: Record<string, unknown>): ParameterSpec[] | null {
  const lakebook = metadata.lakebook;
  if (!isRecord(lakebook)) return null;
  const parsed = parameterSpecs.safeParse(lakebook.parameters);
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}

/**
 * A code cell's text as a Lakebook cell: `%sql`/`%%sql` (or no magic in a SQL
 * notebook) → SQL, `%md` → Markdown, anything else is kept visibly as text.
 */
export function cellFromCode(source: string, notebookLanguage: string): ImportedCell {
  const magic = MAGIC_LINE.exec(source);
  if (!magic) return notebookLanguage === "sql" ? { kind: "sql", source } : keepAsText(notebookLanguage, source);
  const [line, cellMagic, rawName, rest, newline] = magic;
  const name = rawName.toLowerCase();
  const body = source.slice(line.length);
  // After `%%sql` the line holds arguments (jupysql's connection); after `%sql` or `%md` it holds content (Databricks).
  const content = cellMagic || rest.trim() === "" ? body : `${rest.trimStart()}${newline}${body}`;
  if (name === "sql") return { kind: "sql", source: content };
  if (name === "md" || name === "md-sandbox" || name === "markdown") return { kind: "markdown", source: content };
  const language = LANGUAGE_MAGICS[name];
  if (language) return keepAsText(language, content);
  // `%run`, `%pip`, `%fs`…: commands, shown with their magic.
  return keepAsText(`%${name}`, source, "");
}

/**
 * Code Lakebook cannot run becomes a Markdown cell that says where it came
 * from and holds the code in a fence longer than any backtick run inside it.
 */
export function keepAsText(what: string, code: string, fenceLanguage = what): ImportedCell {
  let longest = 2;
  for (const run of code.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = "`".repeat(longest + 1);
  const body = code === "" || code.endsWith("\n") ? code : `${code}\n`;
  const note = `*Imported ${what} cell, kept as text: Lakebook runs only SQL.*`;
  return { kind: "markdown", source: `${note}\n\n${fence}${fenceLanguage}\n${body}${fence}` };
}

/** Lakebook's editor works in `\n`; files from Windows bring `\r\n`. */
export function toLf(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** The cell as Lakebook's, or null for an export's connect cell (it is made again on export). */
function importCell(raw: unknown, index: number, language: string): ImportedCell | null {
  if (!isRecord(raw) || typeof raw.cell_type !== "string") {
    throw new UserError(`Cell ${index + 1} of this notebook is malformed: it has no cell type.`);
  }
  const source = sourceText(raw.source, index);
  if (raw.cell_type === "markdown") return { kind: "markdown", source };
  if (raw.cell_type !== "code") return keepAsText("raw", source, "");
  if (isConnectCell(source, raw.metadata)) return null;
  const cell = cellFromCode(source, language);
  return cell.kind === "sql" ? { ...cell, ...cellExtras(raw.metadata) } : cell;
}

function sourceText(source: unknown, index: number): string {
  if (typeof source === "string") return toLf(source);
  if (Array.isArray(source) && source.every((line) => typeof line === "string")) return toLf(source.join(""));
  throw new UserError(`Cell ${index + 1} of this notebook is malformed: its source is not text.`);
}

/** Only well-formed extras survive: a file may come from anywhere. */
function cellExtras(metadata: unknown): CellExtras {
  const extras = isRecord(metadata) && isRecord(metadata.lakebook) ? metadata.lakebook : null;
  if (!extras) return {};
  const out: CellExtras = {};
  if (typeof extras.connectionId === "string" && CONNECTION_ID.test(extras.connectionId)) {
    out.connectionId = extras.connectionId;
  }
  const chart = chartSpecInput.safeParse(extras.chart);
  if (chart.success) out.chart = chart.data;
  return out;
}

function cellMetadata(cell: NotebookCell): Record<string, unknown> {
  const lakebook: CellExtras = {};
  if (cell.connectionId !== null) lakebook.connectionId = cell.connectionId;
  if (cell.chart !== null) lakebook.chart = cell.chart;
  return Object.keys(lakebook).length > 0 ? { lakebook } : {};
}

/** nbformat 4.5 wants unique ids matching CELL_ID; Lakebook's UUIDs do, anything else gets one. */
function uniqueCellId(wanted: string, index: number, used: Set<string>): string {
  const base = CELL_ID.test(wanted) ? wanted : `cell-${index + 1}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base.slice(0, 50)}-${n}`;
  used.add(id);
  return id;
}

/** nbformat's multiline string: one entry per line, each keeping its "\n". */
function sourceLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

function notebookLanguage(metadata: Record<string, unknown>): string {
  const databricks = metadata[DATABRICKS];
  const kernelspec = metadata.kernelspec;
  const info = metadata.language_info;
  const candidates = [
    isRecord(databricks) ? databricks.language : undefined,
    isRecord(kernelspec) ? kernelspec.language : undefined,
    isRecord(info) ? info.name : undefined,
  ];
  const found = candidates.find((c): c is string => typeof c === "string" && LANGUAGE.test(c));
  return found?.toLowerCase() ?? "python";
}

function notebookTitle(metadata: Record<string, unknown>): string | null {
  const databricks = metadata[DATABRICKS];
  const candidates = [isRecord(databricks) ? databricks.notebookName : undefined, metadata.title];
  const found = candidates.find((c): c is string => typeof c === "string" && c.trim() !== "");
  return found?.trim() ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
