import "server-only";
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBResult,
  ResultReturnType,
  StatementType,
} from "@duckdb/node-api";
import type { BoundValue } from "@/lib/sql/parameters";
import type { EngineSession, Place, Progress, StatementResult } from "../types";
import { EngineError } from "../types";
import { blankComments } from "./comments";
import { duckdbError } from "./errors";
import { type DuckDBParameters, duckdbParameters } from "./parameters";
import { prepareAdmitted } from "./sandbox";
import { Opening } from "./sandbox-policy";

/**
 * A session of the built-in warehouse (DuckDBEngine.openSession in engine.ts):
 * one DuckDB connection running a run's statements in order, each admitted by
 * the sandbox, a SELECT's rows streamed as DuckDB's own chunks.
 */

/**
 * A SELECT's transaction: `ours` when the session began it for the statement,
 * `theirs` when the user's own BEGIN was already open.
 */
type Transaction = "ours" | "theirs";

export class DuckDBSession implements EngineSession {
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
