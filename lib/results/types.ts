/** The one result shape the browser sees, whatever engine produced it. */
import type { RunParameter } from "@/lib/sql/parameters";

/** How a column's values are shown: alignment and formatting follow from it. */
export type ColumnKind = "number" | "text" | "boolean" | "temporal" | "binary" | "nested";

export interface ResultColumn {
  name: string;
  /** The engine's own SQL type name, e.g. `DECIMAL(38,10)` or `STRING`. */
  type: string;
}

/**
 * A cell as sent to the browser: the engine's exact text rendering of the value,
 * or null for SQL NULL. Never a JS number or Date, so nothing is rounded.
 */
export type Cell = string | null;

export interface Page {
  offset: number;
  rows: Cell[][];
  /** Each row's position in the stored result, to fetch a cut cell's full value. */
  rowIds: number[];
  /** Cells cut for transport, as `rowIndex:columnIndex` within this page. */
  clipped: string[];
  /** A filtered page: how many rows the filter keeps, or null while they are still being counted. */
  total?: number | null;
}

export type RunStatus = "running" | "succeeded" | "failed" | "cancelled";

export interface RunError {
  message: string;
  /** 1-based position in the submitted SQL, when the engine gives one. */
  line?: number;
  column?: number;
  sqlState?: string;
}

export type SortDirection = "asc" | "desc";
export interface SortSpec {
  column: number;
  direction: SortDirection;
}

/** A catalog and a schema in it: where a session resolves unqualified names. */
export interface Place {
  catalog: string;
  schema: string;
  /**
   * The `SET` statements that hold in it, in order, each key's last
   * (lib/sql/settings.ts); applied again before a tab's next run.
   */
  settings?: string[];
}

/** One statement of a script (a run of several statements), as it ran. */
export interface StatementView {
  /** Where its text starts in the run's SQL (1-based), to point at it in the editor. */
  line: number;
  column: number;
  /** "skipped": not run, because a statement before it failed or the run was cancelled. */
  status: RunStatus | "skipped";
  /**
   * The run that holds the statement's rows: the script's own id for its last
   * statement, a run of its own for an earlier one; null when it returned no rows.
   */
  resultId: string | null;
  rowCount: number;
  /** What a statement without rows did, e.g. "INSERT: 2 rows affected." */
  message: string | null;
  elapsedMs: number | null;
}

/** The state of a run as the browser sees it. */
export interface RunView {
  id: string;
  status: RunStatus;
  /** Running, but still waiting for a free slot (its message says where it stands). */
  waiting: boolean;
  columns: ResultColumn[];
  /** Rows stored so far; final once the run has ended. */
  rowCount: number;
  /** Set when a cap or the storage budget stopped storing rows. */
  truncated: boolean;
  /**
   * What stopped it: the server's cap on one result, or the storage budget
   * (no room left for results, even after removing older ones).
   */
  truncatedBy: "cap" | "budget" | null;
  /** The stored rows are gone: expired after the retention period, or removed to free space for newer results. */
  resultRemoved: "expired" | "space" | null;
  /** What a statement without a result set did, e.g. "INSERT: 2 rows affected". */
  message: string | null;
  statementCount: number;
  /** Each statement of a script of several, with its own result; empty for a single statement. */
  statements: StatementView[];
  error: RunError | null;
  startedAt: string;
  /** Milliseconds from start to the end of the run (or until now while running). */
  elapsedMs: number;
  /** Milliseconds from start to the first stored page, if any. */
  firstPageMs: number | null;
  /** Where the session was when the run ended, when a statement may have moved it (USE); else null. */
  place: Place | null;
  /** The parameter values the run was bound with (empty when its text has none). */
  parameters: RunParameter[];
  /**
   * The workspace user whose own Databricks sign-in ran it (OAuth
   * user-to-machine), and whether that is the viewer's; null for every other connection.
   */
  ranAs: { workspaceUser: string; byViewer: boolean } | null;
}
