/** A notebook as the browser edits it and the server stores it. */
import type { RunView } from "@/lib/results/types";
import type { Level } from "@/lib/sharing";
import type { ParameterSpec } from "@/lib/sql/parameters";

export type CellKind = "sql" | "markdown";

export const CHART_KINDS = ["bar", "line", "area", "scatter", "pie"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export const AGGREGATES = ["none", "sum", "avg", "count", "min", "max"] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/**
 * A chart of a SQL cell's result, saved with the cell. Columns are named, not
 * numbered, so a chart survives a cell edit that reorders columns; a name that
 * is no longer in the result is reported, not guessed.
 */
export interface ChartSpec {
  kind: ChartKind;
  x: string;
  y: string[];
  /** One series per distinct value of this column (not for pie). */
  group: string | null;
  /** How rows sharing an x (and group) are combined; "none" plots rows as they are. */
  aggregate: Aggregate;
}

export interface NotebookCell {
  id: string;
  kind: CellKind;
  source: string;
  /** Overrides the notebook's connection for this SQL cell. */
  connectionId: string | null;
  chart: ChartSpec | null;
}

/** What a save sends: the whole document, with the version it was edited from. */
export interface NotebookContent {
  title: string;
  connectionId: string;
  cells: NotebookCell[];
  /** Notebook-level parameters shared by its SQL cells (absent: none saved). */
  parameters?: ParameterSpec[];
}

/** A notebook file's content before it becomes a notebook (import). */
export interface ImportedNotebook {
  title: string;
  cells: Array<Pick<NotebookCell, "kind" | "source"> & Partial<Pick<NotebookCell, "connectionId" | "chart">>>;
  /** The notebook's parameter widgets (Jupyter files written by Lakebook carry them). */
  parameters?: ParameterSpec[];
}

/** A notebook as a list shows it. */
export interface NotebookListItem {
  id: string;
  title: string;
  connectionId: string;
  ownerName: string;
  isOwner: boolean;
  level: Level;
  cellCount: number;
  version: number;
  updatedAt: string;
}

/** A cell's last stored result: who ran it and when come with the run. */
export type CellRun = RunView & { ranBy: string };

/** A notebook as its page sees it: the content, the user's level and each cell's last result. */
export interface NotebookView extends NotebookContent {
  id: string;
  ownerName: string;
  isOwner: boolean;
  level: Level;
  version: number;
  updatedAt: string;
  updatedByName: string;
  /** By cell id; absent when the cell has never run (or its result is gone). */
  lastRuns: Record<string, CellRun>;
}

/** What a save over a newer version gets back instead of saving. */
export interface NotebookConflict {
  conflict: true;
  theirs: NotebookView;
}
