import "server-only";
import type { DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import type { Place, ResultColumn } from "@/lib/results/types";
import type { BoundValue } from "@/lib/sql/parameters";
import type { SqlDialect } from "@/lib/sql/split";

/**
 * What Lakebook needs from a SQL engine, and nothing more. The built-in DuckDB
 * warehouse and Databricks SQL warehouses both implement it.
 *
 * Batches travel as DuckDB data chunks: an in-process columnar format that the
 * result store appends without converting values, so every engine's output has
 * the same shape (and exact types) before anything else sees it.
 */
export interface Engine {
  readonly dialect: SqlDialect;
  /**
   * A session keeps state (USE, SET, temporary tables) across a run's
   * statements. It starts in `place` when given (an editor tab's catalog and
   * schema, where its last run left them), else in the connection's default;
   * never in a state another run left behind.
   */
  openSession(progress?: Progress, place?: Place | null, attribution?: Attribution): Promise<EngineSession>;
  listCatalogs(): Promise<string[]>;
  listSchemas(catalog: string): Promise<string[]>;
  listTables(catalog: string, schema: string): Promise<TableInfo[]>;
  listColumns(catalog: string, schema: string, table: string): Promise<ColumnInfo[]>;
  /**
   * Tables and views of every catalog whose name contains `text` (ignoring
   * case), at most `limit` of them; the schema browser's search.
   */
  searchTables(text: string, limit: number): Promise<FoundTable[]>;
  /** Where unqualified names resolve when a session starts; null when the engine does not say. */
  readonly defaultNamespace: { catalog: string; schema: string | null } | null;
  /** The dialect's keywords and functions, for the editor's completion (lib/server/completions/). */
  listWords(): Promise<SqlWords>;
  /**
   * The first syntax error of `sql` by the engine's own parser, without running
   * or binding anything; null when it parses. Absent where the engine cannot
   * parse without running (Databricks), so the editor marks nothing there.
   */
  checkSyntax?(sql: string): Promise<SyntaxProblem | null>;
  testConnection(): Promise<ConnectionCheck>;
  close(): Promise<void>;
  /** The workspace user statements run as, when it is the member's own sign-in (OAuth user-to-machine). */
  readonly ranAs?: string | null;
}

export interface EngineSession {
  /**
   * Starts one statement. Resolves once the engine has accepted it and knows the
   * result's schema; rows then arrive through `batches()`. Aborting `signal`
   * cancels the statement on the engine. `parameters` are the values of the
   * statement's named markers (`$name` on DuckDB, `:name` on Databricks), bound by
   * the engine, never written into the text.
   */
  execute(
    sql: string,
    signal: AbortSignal,
    progress?: Progress,
    parameters?: readonly BoundValue[],
  ): Promise<StatementResult>;
  /** The session's current catalog and schema. */
  place(): Promise<Place>;
  close(): Promise<void>;
}

export type { Place };

/** What a run wants to hear while the engine waits, and how it can stop the wait. */
/**
 * Who a run's statements are for, so that the warehouse's own query history
 * can tell (Databricks query tags); engines without such a history ignore it.
 */
export interface Attribution {
  /** The member's e-mail address. */
  member: string;
  run: string;
  /** The saved query or notebook the run came from, when it did. */
  query?: { id: string; title: string } | null;
  notebook?: { id: string; title: string } | null;
}

export interface Progress {
  signal?: AbortSignal;
  /** Called when the warehouse is still starting and the engine keeps retrying. */
  waiting?(message: string): void;
}

export type StatementResult =
  | { kind: "rows"; columns: StoredColumn[]; batches: AsyncIterable<DuckDBDataChunk> }
  | { kind: "changed"; statement: string; rowsAffected: number }
  | { kind: "done"; statement: string };

/** A result column with the type its batches are stored as. */
export interface StoredColumn extends ResultColumn {
  storageType: DuckDBType;
}

export interface TableInfo {
  name: string;
  kind: "table" | "view";
}

export interface FoundTable extends TableInfo {
  catalog: string;
  schema: string;
}

/** A function of the dialect: its name and a signature to show beside it. */
export interface FunctionInfo {
  name: string;
  signature: string;
  description: string;
}

export interface SyntaxProblem {
  message: string;
  /** Where the parser stopped, in UTF-16 code units of the text checked; null when it does not say. */
  offset: number | null;
}

export interface SqlWords {
  keywords: string[];
  functions: FunctionInfo[];
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
}

export type ConnectionCheck = { ok: true; detail: string } | { ok: false; message: string };

const ENGINE_ERROR = Symbol.for("lakebook.EngineError");

/**
 * An error the user caused or can act on (bad SQL, missing table). Its message
 * is safe to show as it is; anything else is reported as an internal error.
 */
export class EngineError extends Error {
  readonly [ENGINE_ERROR] = true;

  constructor(
    message: string,
    readonly details: {
      /** Byte offset of the problem in the statement (DuckDB). */
      position?: number;
      /** Where the problem is in the statement, as the warehouse says it: 1-based line and column (Databricks). */
      at?: { line: number; column: number };
      sqlState?: string;
      cancelled?: boolean;
      /** The warehouse stopped the statement at its own statement timeout. */
      timedOut?: boolean;
      /** The workspace refused a member's refresh token (expired, revoked, spent): they must sign in again. */
      signInRefused?: boolean;
      /** What the workspace's OAuth server said no to, for "Connect with Databricks" to name (its words are not shown). */
      oauth?: "denied" | "client" | "state" | "refused" | "offline-access";
    } = {},
  ) {
    super(message);
    this.name = "EngineError";
  }

  /**
   * Next.js bundles server code per entry (instrumentation, actions, routes), so
   * an engine created in one bundle throws another copy of this class:
   * recognise it by a registered symbol, not by `instanceof`.
   */
  static is(error: unknown): error is EngineError {
    return typeof error === "object" && error !== null && ENGINE_ERROR in error;
  }
}
