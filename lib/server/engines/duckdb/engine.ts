import "server-only";
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBInstance,
  type DuckDBResult,
  ResultReturnType,
  StatementType,
} from "@duckdb/node-api";
import { type BoundValue, findParameterMarkers } from "@/lib/sql/parameters";
import { quoteIdentifier } from "@/lib/sql/quote";
import { utf16OffsetOfByte } from "@/lib/sql/split";
import type {
  ColumnInfo,
  ConnectionCheck,
  Engine,
  EngineSession,
  FoundTable,
  Place,
  Progress,
  SqlWords,
  StatementResult,
  SyntaxProblem,
  TableInfo,
} from "../types";
import { EngineError } from "../types";
import { catalogQueries } from "./catalog-sql";
import { blankComments } from "./comments";
import { duckdbError } from "./errors";
import { type DuckDBParameters, duckdbParameters } from "./parameters";
import { prepareAdmitted } from "./sandbox";
import { Opening } from "./sandbox-policy";

/** The catalogs a member's session may be in (the sandbox refuses USE of any other). */
const MEMBER_CATALOGS = new Set(["workspace", "samples"]);

/** The built-in warehouse: DuckDB in this process. */
export class DuckDBEngine implements Engine {
  readonly dialect = "duckdb" as const;

  constructor(private readonly instance: DuckDBInstance) {}

  async openSession(_progress?: Progress, place?: Place | null): Promise<EngineSession> {
    const connection = await this.instance.connect();
    // Where an editor tab's last run left it, if that is still a place members may be
    // (the sandbox allows USE of workspace and samples only); else the default schema.
    if (place && MEMBER_CATALOGS.has(place.catalog)) {
      const moved = await connection
        .run(`USE ${quoteIdentifier(place.catalog)}.${quoteIdentifier(place.schema)}`)
        .then(() => true)
        .catch(() => false);
      if (moved) return new DuckDBSession(connection);
    }
    await connection.run(`USE workspace."default"`).catch(async () => {
      // A member may drop the default schema (it holds tables, which they may
      // drop); every later session must still start somewhere.
      await connection.run(`CREATE SCHEMA IF NOT EXISTS workspace."default"`);
      await connection.run(`USE workspace."default"`);
    });
    return new DuckDBSession(connection);
  }

  listCatalogs(): Promise<string[]> {
    return this.strings(catalogQueries.catalogs());
  }

  listSchemas(catalog: string): Promise<string[]> {
    return this.strings(catalogQueries.schemas(catalog));
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    const rows = await this.rows(catalogQueries.tables(catalog, schema));
    return rows.map(([name, kind]) => ({ name: String(name), kind: kind === "view" ? "view" : "table" }));
  }

  async listColumns(catalog: string, schema: string, table: string): Promise<ColumnInfo[]> {
    const rows = await this.rows(catalogQueries.columns(catalog, schema, table));
    return rows.map(([name, type, nullable]) => ({
      name: String(name),
      type: String(type),
      nullable: nullable === true,
    }));
  }

  async searchTables(text: string, limit: number): Promise<FoundTable[]> {
    const rows = await this.rows(catalogQueries.search(text, limit));
    return rows.map(([catalog, schema, name, kind]) => ({
      catalog: String(catalog),
      schema: String(schema),
      name: String(name),
      kind: kind === "view" ? "view" : "table",
    }));
  }

  /** Sessions start in workspace."default" (openSession). */
  readonly defaultNamespace = { catalog: "workspace", schema: "default" };

  async listWords(): Promise<SqlWords> {
    const [keywords, functions] = await Promise.all([
      this.strings(catalogQueries.keywords()),
      this.rows(catalogQueries.functions()),
    ]);
    return {
      keywords: keywords.map((k) => k.toUpperCase()),
      functions: functions.map(([name, signature, overloads, description]) => ({
        name: String(name),
        signature: Number(overloads) > 1 ? `${String(signature)} (+${Number(overloads) - 1} more)` : String(signature),
        description: String(description),
      })),
    };
  }

  /**
   * DuckDB's parser alone (`extractStatements` reads every statement of the
   * text and binds nothing), on the text as a run sends it: `:name` markers
   * spelled `$name` and ``:`any name` `` ones `$ppp…` (the same bytes) and
   * comments blanked (comments.ts), so the byte position DuckDB reports is
   * one in `sql`.
   */
  async checkSyntax(sql: string): Promise<SyntaxProblem | null> {
    const nul = sql.indexOf("\0");
    if (nul !== -1) return { message: "The text contains a NUL character (\\0).", offset: nul };
    const at = (error: EngineError) => {
      const position = error.details.position;
      return { message: error.message, offset: position === undefined ? null : utf16OffsetOfByte(sql, position) };
    };
    let marked = "";
    let cursor = 0;
    for (const marker of findParameterMarkers(sql, "duckdb")) {
      // As many bytes as the quoted name, so that DuckDB's byte positions stay those of `sql`.
      const quoted = sql.charCodeAt(marker.start + 1) === 96; // `
      const word = quoted ? "p".repeat(Buffer.byteLength(sql.slice(marker.start + 1, marker.end))) : "";
      marked += `${sql.slice(cursor, marker.start)}$${word}`;
      cursor = quoted ? marker.end : marker.start + 1;
    }
    marked += sql.slice(cursor);
    let text: string;
    try {
      text = blankComments(marked);
    } catch (error) {
      if (EngineError.is(error)) return at(error);
      throw error;
    }
    const connection = await this.instance.connect();
    try {
      await connection.extractStatements(text);
      return null;
    } catch (error) {
      return at(duckdbError(error, text));
    } finally {
      connection.closeSync();
    }
  }

  async testConnection(): Promise<ConnectionCheck> {
    const [[version]] = await this.rows("SELECT version()");
    return { ok: true, detail: `Built-in DuckDB ${String(version)}` };
  }

  /** Writes what the write-ahead log holds into the database file, then closes it. */
  async close(): Promise<void> {
    const connection = await this.instance.connect();
    try {
      await connection.run("CHECKPOINT");
    } finally {
      connection.closeSync();
      this.instance.closeSync();
    }
  }

  private async strings(sql: string): Promise<string[]> {
    return (await this.rows(sql)).map(([value]) => String(value));
  }

  private async rows(sql: string): Promise<unknown[][]> {
    const connection = await this.instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowsJS();
    } catch (error) {
      throw duckdbError(error);
    } finally {
      connection.closeSync();
    }
  }
}

/**
 * A SELECT's transaction: `ours` when the session began it for the statement,
 * `theirs` when the user's own BEGIN was already open.
 */
type Transaction = "ours" | "theirs";

class DuckDBSession implements EngineSession {
  /** A transaction this session began for a SELECT and has not ended yet. */
  private open = false;
  /** The user's own BEGIN is open (a failed BEGIN would abort it, so it is not probed). */
  private userTransaction = false;

  constructor(private readonly connection: DuckDBConnection) {}

  async execute(
    written: string,
    signal: AbortSignal,
    _progress?: Progress,
    bound: readonly BoundValue[] = [],
  ): Promise<StatementResult> {
    // What DuckDB reads: comments blanked (comments.ts), byte positions unchanged.
    const sql = blankComments(written);
    const interrupt = () => this.connection.interrupt();
    signal.addEventListener("abort", interrupt, { once: true });
    let result: DuckDBResult;
    let transaction: Transaction | null = null;
    let parameters: DuckDBParameters | undefined;
    try {
      // Values are bound to the prepared statement (`$name`), never written into its text.
      parameters = duckdbParameters(bound);
      // An earlier statement's rows that were not read to the end leave their
      // transaction open; it must not swallow this statement's changes.
      await this.endOwnTransaction("COMMIT");
      if (signal.aborted) interrupt();
      const prepared = await prepareAdmitted(this.connection, sql, parameters);
      try {
        if (prepared.statementType === StatementType.SELECT) transaction = await this.begin();
        result = await prepared.stream();
        if (prepared.statementType === StatementType.TRANSACTION) this.userTransaction = opensTransaction(sql);
      } finally {
        prepared.destroySync();
      }
    } catch (error) {
      signal.removeEventListener("abort", interrupt);
      await this.endOwnTransaction("ROLLBACK").catch(() => {});
      throw EngineError.is(error) ? error : duckdbError(error);
    }
    const statement = StatementType[result.statementType] ?? "STATEMENT";
    if (result.returnType === ResultReturnType.QUERY_RESULT) {
      const names = result.columnNames();
      const columns = result.columnTypes().map((storageType, i) => ({
        name: names[i],
        type: storageType.toString(),
        storageType,
      }));
      const end = (rows: number) => this.settle(sql, transaction, rows, parameters);
      return { kind: "rows", columns, batches: chunks(result, signal, interrupt, end) };
    }
    signal.removeEventListener("abort", interrupt);
    if (result.returnType === ResultReturnType.CHANGED_ROWS) {
      const chunk = await result.fetchChunk();
      const count = chunk && chunk.rowCount > 0 ? Number(chunk.getColumnValues(0)[0]) : result.rowsChanged;
      return { kind: "changed", statement, rowsAffected: count };
    }
    return { kind: "done", statement };
  }

  async place(): Promise<Place> {
    const reader = await this.connection.runAndReadAll("SELECT current_database(), current_schema()");
    const [catalog, schema] = reader.getRowsJS()[0] as [string, string];
    return { catalog, schema };
  }

  async close(): Promise<void> {
    // An open transaction of ours ends with the connection (rolled back).
    this.connection.closeSync();
  }

  /**
   * A SELECT runs in a transaction so that an error while its rows stream can
   * be seen at the end: DuckDB's Node binding ends such a stream as if it were
   * complete and drops the error (`@duckdb/node-api` 1.5.6), but the error
   * aborts the transaction, and that shows.
   */
  private async begin(): Promise<Transaction> {
    if (this.userTransaction) return "theirs";
    await this.connection.run("BEGIN TRANSACTION");
    this.open = true;
    return "ours";
  }

  private async endOwnTransaction(how: "COMMIT" | "ROLLBACK"): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.connection.run(how);
  }

  /** Called when a SELECT's rows have all been read: were they all, or did an error end them? */
  private async settle(
    sql: string,
    transaction: Transaction | null,
    rows: number,
    parameters: DuckDBParameters | undefined,
  ): Promise<void> {
    if (transaction === null) return;
    try {
      await this.connection.run("SELECT 1");
    } catch (error) {
      if (!/transaction is aborted/i.test(String(error))) throw duckdbError(error);
      if (transaction === "theirs") {
        throw new EngineError(
          `The query failed after ${formatRows(rows)}, and DuckDB did not say why. Your transaction is aborted: run ROLLBACK.`,
        );
      }
      await this.endOwnTransaction("ROLLBACK");
      throw await this.unreportedError(sql, rows, parameters);
    }
    await this.endOwnTransaction("COMMIT");
  }

  /**
   * The error that ended a SELECT's stream, found by running the statement
   * again in a form that reads every value of every row but returns one
   * number: the error then comes back as an error. Only a failed run pays this.
   */
  private async unreportedError(
    sql: string,
    rows: number,
    parameters: DuckDBParameters | undefined,
  ): Promise<EngineError> {
    const prefix = "SELECT count(*) FROM (\n";
    try {
      await this.connection.run(
        `${prefix}${sql}\n) AS lakebook_rows WHERE hash(lakebook_rows) IS NOT NULL`,
        parameters?.values,
        parameters?.types,
      );
    } catch (error) {
      const found = duckdbError(error);
      if (found.details.cancelled) return found;
      if (!/^(Parser|Binder|Catalog) Error/.test(found.message)) {
        const position = found.details.position;
        const shift = Buffer.byteLength(prefix);
        return new EngineError(found.message, {
          position: position !== undefined && position >= shift ? position - shift : undefined,
        });
      }
    }
    return new EngineError(`The query failed after ${formatRows(rows)}, and DuckDB did not say why.`);
  }
}

/** BEGIN or START TRANSACTION, rather than COMMIT, END, ROLLBACK or ABORT. */
function opensTransaction(sql: string): boolean {
  const first = new Opening(sql, 1).word(0);
  return first === "BEGIN" || first === "START";
}

function formatRows(rows: number): string {
  return `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
}

/**
 * The result's chunks; `end` is told how many rows came once the last has, and
 * may throw to say that they were not all.
 */
async function* chunks(
  result: DuckDBResult,
  signal: AbortSignal,
  interrupt: () => void,
  end: (rows: number) => Promise<void>,
): AsyncGenerator<DuckDBDataChunk> {
  // DuckDB computes the next chunk on its own threads while the caller stores this
  // one, instead of each waiting for the other (storing 1M rows: 0.80 s -> 0.73 s;
  // no change at 5M rows, where both cores are already busy).
  const fetch = () => {
    const chunk = result.fetchChunk().catch((error: unknown) => {
      throw duckdbError(error);
    });
    chunk.catch(() => {}); // Reported where it is awaited.
    return chunk;
  };
  let next: Promise<DuckDBDataChunk | null> | null = fetch();
  let rows = 0;
  try {
    for (;;) {
      if (signal.aborted) throw duckdbError(new Error("INTERRUPT"));
      const pending = next;
      next = null;
      const chunk = await pending;
      if (!chunk || chunk.rowCount === 0) {
        // A cancel also ends the stream early and quietly.
        if (signal.aborted) throw duckdbError(new Error("INTERRUPT"));
        await end(rows);
        return;
      }
      rows += chunk.rowCount;
      next = fetch();
      yield chunk;
    }
  } finally {
    signal.removeEventListener("abort", interrupt);
    if (next) {
      // The caller stopped early (a cap, a cancel): stop the fetch ahead before
      // the connection is closed under it.
      interrupt();
      await next.catch(() => {});
    }
  }
}
