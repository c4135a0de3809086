import { randomBytes } from "node:crypto";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { newGuid, Operation, type ResultFormat } from "./operation";
import type { Rewritten } from "./rewritten";
import type { RowSource } from "./row-source";
import { MAIN_CATALOG } from "./sql-rewrite";
import type { T } from "./thrift";

export interface Namespace {
  catalog: string;
  schema: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A Thrift session: its own DuckDB connection, so USE and SET carry from one
 * statement to the next. DuckDB drops an open streaming result when the same
 * connection runs another query, so while an earlier operation still has rows
 * to hand out, a new one runs on a short-lived extra connection placed in the
 * session's current catalog and schema (temporary objects are not shared there).
 */
export class Session {
  readonly guid = newGuid();
  readonly secret = randomBytes(16);
  readonly operations = new Map<string, Operation>();
  /** STATEMENT_TIMEOUT from the session's configuration, in seconds (0: none). */
  statementTimeout = 0;
  private busy = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private namespace: Namespace,
  ) {}

  static async open(instance: DuckDBInstance, namespace: Namespace): Promise<Session> {
    const connection = await instance.connect();
    await connection.run(`USE ${quote(namespace.catalog)}.${quote(namespace.schema)}`);
    return new Session(instance, connection, namespace);
  }

  get id(): string {
    return this.guid.toString("hex");
  }

  /** Starts an operation; `run` gets the connection to use and returns its rows. */
  start(
    type: T.TOperationType,
    sql: string,
    format: ResultFormat,
    run: (connection: DuckDBConnection) => Promise<RowSource>,
    ran?: () => Rewritten | undefined,
  ): Operation {
    const primary = !this.busy;
    this.busy = true;
    let connection: DuckDBConnection | undefined = primary ? this.connection : undefined;
    const operation = new Operation(
      type,
      sql,
      format,
      async () => {
        if (!connection) {
          connection = await this.extraConnection();
          // Cancelled while the connection was opening: nothing to interrupt yet, so stop here.
          if (operation.finished) throw new Error("Interrupted!");
        }
        const source = await run(connection);
        if (primary && source.columns.length === 0) await this.refreshNamespace();
        return source;
      },
      () => connection?.interrupt(),
      () => {
        if (primary) this.busy = false;
        else connection?.closeSync();
      },
      ran,
    );
    this.operations.set(operation.id, operation);
    return operation;
  }

  /** Closes every operation; the connection goes once interrupted statements have unwound. */
  close(): Promise<void> {
    const operations = [...this.operations.values()];
    for (const operation of operations) operation.close();
    this.operations.clear();
    return Promise.allSettled(operations.map((operation) => operation.ready)).then(() => this.connection.closeSync());
  }

  private async extraConnection(): Promise<DuckDBConnection> {
    const connection = await this.instance.connect();
    await connection.run(`USE ${quote(this.namespace.catalog)}.${quote(this.namespace.schema)}`);
    return connection;
  }

  /** After a statement without rows (USE, SET, DDL), note where the session now is. */
  private async refreshNamespace(): Promise<void> {
    const reader = await this.connection.runAndReadAll("SELECT current_database(), current_schema()");
    const [catalog, schema] = reader.getRowsJS()[0] as [string, string];
    this.namespace = { catalog, schema };
  }
}

export const DEFAULT_NAMESPACE: Namespace = { catalog: MAIN_CATALOG, schema: "default" };
