import "server-only";
import { DBSQLParameter, DBSQLParameterType } from "@databricks/sql";
import type IDBSQLSession from "@databricks/sql/dist/contracts/IDBSQLSession";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import { numberBinding } from "@/lib/sql/parameter-values";
import type { BoundValue } from "@/lib/sql/parameters";
import { quoteIdentifier } from "@/lib/sql/quote";
import { changesSession, leadingKeyword } from "@/lib/sql/statement-kind";
import type { EngineSession, Place, Progress, StatementResult } from "../types";
import { EngineError } from "../types";
import { arrowBatchSource } from "./arrow-source";
import { isExpiredSession } from "./errors";
import { batches } from "./result-batches";
import { whileStarting } from "./retries";
import type { SessionPool } from "./session-pool";
import { planFor, type ThriftSchema } from "./types";

/** Rows returned with the statement itself (direct results): a first page, quickly. */
const FIRST_ROWS = 2_048;

/** What a session needs from the engine that opened it, handed over so that the engine exposes nothing for it. */
export interface SessionContext {
  /** Where the session came from: it goes back there, and a new one comes from there when it expires. */
  pool: Pick<SessionPool, "acquire" | "release">;
  /** What the driver threw, as the member using the engine may read it. */
  failure: (error: unknown) => EngineError;
  /** The warehouse's statement timeout in seconds, if any. */
  timeoutSeconds: number | undefined;
  /** How long to keep retrying a statement while the warehouse starts. */
  startupWaitMs: number;
  /** Tags every statement carries into the warehouse's query history: who ran it, from what. */
  queryTags?: Record<string, string>;
  /** Whether the warehouse may answer large results with CloudFetch links (the driver's default). */
  cloudFetch: boolean;
}

/** One warehouse session held for a run: statements in order, one reopen if it expired. */
export class DatabricksSession implements EngineSession {
  private retried = false;
  /**
   * A statement changed the session (USE, SET, a temporary view…): it is
   * closed at the end instead of going back to the pool, so that no other
   * run — another tab, another member — starts where this one left off.
   */
  private changed = false;
  /** The settings of a tab's earlier runs that were applied again when the session started. */
  private readonly settings: string[] = [];

  constructor(
    private session: IDBSQLSession,
    private readonly context: SessionContext,
  ) {}

  /**
   * Applies the settings a tab's earlier runs made (their own SET statements)
   * and moves to its catalog and schema, before the run's own statements.
   * Throws when the catalog or schema is gone.
   */
  async moveTo(place: Place, signal: AbortSignal, progress?: Progress): Promise<void> {
    await this.applySettings(place.settings ?? [], signal, progress);
    for (const sql of [
      `USE CATALOG ${quoteIdentifier(place.catalog, "databricks")}`,
      `USE SCHEMA ${quoteIdentifier(place.schema, "databricks")}`,
    ])
      await this.executeToEnd(sql, signal, progress);
  }

  /** Runs each SET again; one the warehouse no longer takes is left out (and no longer held). */
  async applySettings(settings: readonly string[], signal: AbortSignal, progress?: Progress): Promise<void> {
    for (const sql of settings) {
      try {
        await this.executeToEnd(sql, signal, progress);
        this.settings.push(sql);
      } catch (error) {
        if (EngineError.is(error) && (error.details.cancelled || error.details.timedOut)) throw error;
      }
    }
  }

  private async executeToEnd(sql: string, signal: AbortSignal, progress?: Progress): Promise<void> {
    const result = await this.execute(sql, signal, progress);
    if (result.kind === "rows") for await (const _ of result.batches);
  }

  async place(): Promise<Place> {
    const result = await this.execute("SELECT current_catalog(), current_schema()", new AbortController().signal);
    if (result.kind !== "rows") throw new EngineError("The warehouse did not say where the session is.");
    let place: Place | null = null;
    for await (const chunk of result.batches) {
      if (place === null && chunk.rowCount > 0) {
        const [catalog, schema] = chunk.getRows()[0];
        place = { catalog: String(catalog), schema: String(schema) };
        if (this.settings.length > 0) place.settings = [...this.settings];
      }
    }
    if (!place) throw new EngineError("The warehouse did not say where the session is.");
    return place;
  }

  async execute(
    sql: string,
    signal: AbortSignal,
    progress?: Progress,
    parameters: readonly BoundValue[] = [],
  ): Promise<StatementResult> {
    if (changesSession(sql, "databricks")) this.changed = true;
    let operation: IOperation;
    try {
      operation = await whileStarting(
        () =>
          this.session.executeStatement(sql, {
            runAsync: true,
            maxRows: FIRST_ROWS,
            queryTimeout: this.context.timeoutSeconds,
            queryTags: this.context.queryTags,
            useCloudFetch: this.context.cloudFetch,
            // Named parameter markers (`:name`) with their values sent apart, typed.
            ...(parameters.length > 0 ? { namedParameters: namedParameters(parameters) } : {}),
          }),
        this.context.startupWaitMs,
        progress,
      );
    } catch (error) {
      if (!this.retried && isExpiredSession(error)) {
        // An idle session expired on the warehouse: reopen once and retry.
        this.retried = true;
        void this.session.close().catch(() => {});
        this.session = await this.context.pool.acquire(true);
        return this.execute(sql, signal, progress, parameters);
      }
      throw this.context.failure(error);
    }
    const cancel = () => void operation.cancel().catch(() => {});
    signal.addEventListener("abort", cancel, { once: true });
    if (signal.aborted) cancel();
    try {
      const schema = (await operation.getSchema({ progress: false })) as ThriftSchema | null;
      const plans = (schema?.columns ?? []).map(planFor);
      if (plans.length === 0) {
        await operation.fetchAll().catch(() => {});
        await operation.close().catch(() => {});
        signal.removeEventListener("abort", cancel);
        return { kind: "done", statement: firstWord(sql) };
      }
      const names = (schema?.columns ?? []).map((c) => c.columnName);
      const source = await arrowBatchSource(operation);
      const repeated = source ? undefined : firstRepeated(names);
      // Rows (not Arrow) come as objects keyed by column name: a repeated name would show one column's values twice.
      if (repeated !== undefined)
        throw new EngineError(
          `The result has more than one column named "${repeated}". Give each column its own name with AS, e.g. SELECT a.id AS a_id, b.id AS b_id.`,
        );
      return {
        kind: "rows",
        columns: plans.map((p, i) => ({ name: names[i], type: p.type, storageType: p.storageType })),
        batches: batches(operation, source, names, plans, signal, cancel, this.context.failure),
      };
    } catch (error) {
      signal.removeEventListener("abort", cancel);
      await operation.close().catch(() => {});
      if (signal.aborted) throw new EngineError("Query cancelled", { cancelled: true });
      throw this.context.failure(error);
    }
  }

  async close(): Promise<void> {
    if (this.changed) await this.session.close().catch(() => {});
    else this.context.pool.release(this.session);
  }
}

/** The first name that occurs twice; a Set, as results can have many thousands of columns. */
function firstRepeated(names: string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

function firstWord(sql: string): string {
  return leadingKeyword(sql, "databricks") || "STATEMENT";
}

/**
 * The driver's named parameters: each value travels as text with its Spark
 * type (the warehouse parses it), so nothing goes through a JS number or Date.
 */
function namedParameters(parameters: readonly BoundValue[]): Record<string, DBSQLParameter> {
  const out: Record<string, DBSQLParameter> = {};
  for (const { name, type, value } of parameters) {
    out[name] = new DBSQLParameter({ type: sparkType(type, value), value });
  }
  return out;
}

function sparkType(type: BoundValue["type"], value: string): DBSQLParameterType {
  switch (type) {
    case "text":
      return DBSQLParameterType.STRING;
    case "date":
      return DBSQLParameterType.DATE;
    case "timestamp":
      // A widget's timestamp is a wall-clock time: TIMESTAMP would be read in the session's time zone.
      return DBSQLParameterType.TIMESTAMP_NTZ;
    case "number": {
      const kind = numberBinding(value).kind;
      return kind === "bigint"
        ? DBSQLParameterType.BIGINT
        : kind === "decimal"
          ? DBSQLParameterType.DECIMAL
          : DBSQLParameterType.DOUBLE;
    }
  }
}
