import type { Operation } from "./operation";
import type { Session } from "./session";
import type { ResultRecord } from "./storage";
import { type T, ttypes } from "./thrift";

export interface WarehouseStats {
  openSessions: number;
  openOperations: number;
  /** Statements still executing inside DuckDB (a cancelled one stays here until the interrupt lands). */
  runningStatements: number;
  cancelledStatements: string[];
  executedStatements: string[];
  /** Metadata calls (GetCatalogs, GetSchemas, GetTables, GetColumns, …) in the order they came. */
  metadataCalls: string[];
  /** Each ExecuteStatement's queryTimeout and its session's STATEMENT_TIMEOUT, in seconds (0: unset). */
  statementTimeouts: { queryTimeout: number; session: number }[];
  /** Each ExecuteStatement's parameters as they arrived, beside its text: name, Spark type and value (null: NULL). */
  statementParameters: {
    statement: string;
    parameters: { name: string | null; type: string | null; value: string | null }[];
  }[];
  /**
   * Who sent each ExecuteStatement, as a warehouse's query history shows it:
   * the HTTP User-Agent, the credential, and the query tags (the driver's
   * `confOverlay.query_tags`, `key:value` pairs joined by commas).
   */
  statementCallers: {
    statement: string;
    userAgent: string | null;
    credential: "token" | "oauth" | null;
    /** "token", the service principal's client id, or the workspace user whose own token ran it. */
    identity: string | null;
    queryTags: string | null;
  }[];
  /** Each statement with a result: inline or by CloudFetch, links handed out, files downloaded. */
  results: ResultRecord[];
}

const uuid = (guid: Buffer) =>
  Buffer.from(guid)
    .toString("hex")
    .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");

/** Raised for a handle the warehouse does not know (closed, expired, or never issued). */
export class InvalidHandle extends Error {}

/**
 * Open sessions and their operations by handle GUID, and what the tests read
 * back through `stats()`. A cancelled operation counts as closed: the driver
 * never sends CloseOperation after CancelOperation.
 */
export class Registry {
  readonly sessions = new Map<string, Session>();
  readonly executed: string[] = [];
  readonly metadataCalls: string[] = [];
  readonly cancelled: string[] = [];
  readonly timeouts: { queryTimeout: number; session: number }[] = [];
  readonly parameters: WarehouseStats["statementParameters"] = [];
  readonly callers: WarehouseStats["statementCallers"] = [];
  readonly results: ResultRecord[] = [];
  private readonly running = new Set<Operation>();

  /** Counts the operation as running until DuckDB has finished (or abandoned) its statement. */
  track(operation: Operation): Operation {
    this.running.add(operation);
    void operation.ready.finally(() => this.running.delete(operation));
    return operation;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
  }

  session(handle: T.TSessionHandle | undefined): Session {
    const guid = handle?.sessionId?.guid;
    const session = guid ? this.sessions.get(Buffer.from(guid).toString("hex")) : undefined;
    if (!session) {
      // Databricks' (Hive's) wording, in a TStatus with ERROR_STATUS.
      throw new InvalidHandle(`Invalid SessionHandle: SessionHandle [${guid ? uuid(guid) : "null"}]`);
    }
    return session;
  }

  operation(handle: T.TOperationHandle | undefined): Operation {
    const guid = handle?.operationId?.guid;
    const id = guid ? Buffer.from(guid).toString("hex") : "";
    for (const session of this.sessions.values()) {
      const operation = session.operations.get(id);
      if (operation) return operation;
    }
    const type = ttypes.TOperationType[handle?.operationType ?? ttypes.TOperationType.UNKNOWN];
    throw new InvalidHandle(
      `Invalid OperationHandle: OperationHandle [opType=${type}, getHandleIdentifier()=${guid ? uuid(guid) : "null"}]`,
    );
  }

  /** Forgets the operation (CloseOperation): later calls on its handle get "Invalid OperationHandle". */
  forget(operation: Operation): void {
    for (const session of this.sessions.values()) session.operations.delete(operation.id);
  }

  async closeSession(session: Session): Promise<void> {
    this.sessions.delete(session.id);
    await session.close();
  }

  /** Every open session becomes unknown to the server, as when Databricks expires idle sessions. */
  expireAll(): void {
    for (const session of [...this.sessions.values()]) void this.closeSession(session);
  }

  stats(): WarehouseStats {
    let openOperations = 0;
    for (const session of this.sessions.values()) {
      for (const operation of session.operations.values()) if (!operation.finished) openOperations += 1;
    }
    return {
      openSessions: this.sessions.size,
      openOperations,
      runningStatements: this.running.size,
      cancelledStatements: [...this.cancelled],
      executedStatements: [...this.executed],
      metadataCalls: [...this.metadataCalls],
      statementTimeouts: [...this.timeouts],
      statementParameters: [...this.parameters],
      statementCallers: [...this.callers],
      results: this.results.map((r) => ({ ...r })),
    };
  }
}
