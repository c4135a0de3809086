import "server-only";
import { DBSQLClient } from "@databricks/sql";
import type IDBSQLSession from "@databricks/sql/dist/contracts/IDBSQLSession";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import { DuckDBDataChunk } from "@duckdb/node-api";
import { leadingKeyword } from "@/lib/sql/statement-kind";
import { type Logger, log } from "../../log";
import { checkTarget, resolveChecked, UNREACHABLE, type WarehousePolicy } from "../../network/warehouse-policy";
import type {
  ColumnInfo,
  ConnectionCheck,
  Engine,
  EngineSession,
  FoundTable,
  Progress,
  StatementResult,
  TableInfo,
} from "../types";
import { EngineError } from "../types";
import { databricksError, isExpiredSession } from "./errors";
import { guardClient } from "./guarded-connection";
import { driverLogger } from "./logger";
import { type ColumnPlan, columnPlan } from "./types";

export interface DatabricksOptions {
  host: string;
  port: number;
  httpPath: string;
  auth: { type: "token"; token: string } | { type: "oauth-m2m"; clientId: string; clientSecret: string };
  defaultCatalog?: string | null;
  defaultSchema?: string | null;
  /** How long to keep retrying while a warehouse starts (HTTP 503). */
  startupWaitMs?: number;
  /** Where the driver's messages go: the server's log unless given. */
  logger?: Logger;
  /**
   * The warehouse's own statement timeout, in seconds: STATEMENT_TIMEOUT for
   * the session (what SQL warehouses honour) and each statement's queryTimeout
   * (what clusters honour). It holds even if this server goes away mid-query.
   */
  statementTimeoutSeconds?: number;
  /**
   * Where the engine may connect (lib/server/network/warehouse-policy.ts):
   * checked before the first request, and on every socket the driver opens.
   * Connections members and admins save always have one; tests that drive the
   * engine directly against the local test warehouse may leave it out.
   */
  policy?: WarehousePolicy;
  /** False for members who are not admins: failures to reach the warehouse read the same (errors.ts). */
  revealNetwork?: boolean;
}

/** Rows per fetch: large enough to amortise round trips, small enough to bound memory. */
const FETCH_ROWS = 50_000;
/** Rows returned with the statement itself (direct results): a first page, quickly. */
const FIRST_ROWS = 2_048;
const IDLE_SESSIONS = 4;

interface ThriftSchema {
  columns: {
    columnName: string;
    typeDesc: {
      types: {
        primitiveEntry?: { type: number; typeQualifiers?: { qualifiers?: Record<string, { i32Value?: number }> } };
      }[];
    };
  }[];
}

/**
 * A Databricks SQL warehouse through the official driver (@databricks/sql):
 * telemetry off, exact types, chunked fetches, cancel, a small pool of
 * sessions, and one retry on a fresh session when the old one has expired.
 */
export class DatabricksEngine implements Engine {
  readonly dialect = "databricks" as const;
  private client: Promise<DBSQLClient> | null = null;
  private readonly idle: IDBSQLSession[] = [];

  constructor(private readonly options: DatabricksOptions) {}

  /** @internal What the driver threw, as the member using this engine may read it. */
  failure(error: unknown): EngineError {
    const reveal = this.options.revealNetwork ?? true;
    const shown = databricksError(error, reveal);
    if (!reveal && shown.message === UNREACHABLE && !EngineError.is(error))
      (this.options.logger ?? log).warn(`a member could not reach a warehouse: ${databricksError(error).message}`);
    return shown;
  }

  private connect(): Promise<DBSQLClient> {
    this.client ??= (async () => {
      const { auth } = this.options;
      const secrets = auth.type === "token" ? [auth.token] : [auth.clientSecret];
      const client = new DBSQLClient({ logger: driverLogger(secrets, this.options.logger) });
      // TIMESTAMP and DECIMAL arrive as the server's exact text instead of a
      // Date (which drops microseconds) or a float.
      (client.getConfig() as { useArrowNativeTypes?: boolean }).useArrowNativeTypes = false;
      client.on("error", () => {});
      const { port, httpPath, policy } = this.options;
      let { host } = this.options;
      if (policy) {
        host = checkTarget(policy, host, port);
        await resolveChecked(policy, host);
        guardClient(client, policy);
      }
      const wait = this.options.startupWaitMs ?? 120_000;
      await client.connect({
        host,
        port,
        path: httpPath,
        telemetryEnabled: false,
        preserveBigNumericPrecision: true,
        retriesTimeout: wait,
        retryDelayMin: 1_000,
        retryDelayMax: 10_000,
        ...(auth.type === "token"
          ? { token: auth.token }
          : {
              authType: "databricks-oauth" as const,
              oauthClientId: auth.clientId,
              oauthClientSecret: auth.clientSecret,
            }),
      });
      return client;
    })().catch((error) => {
      this.client = null;
      throw this.failure(error);
    });
    return this.client;
  }

  private async session(fresh = false, progress?: Progress): Promise<IDBSQLSession> {
    if (!fresh) {
      const pooled = this.idle.pop();
      if (pooled) return pooled;
    }
    const client = await this.connect();
    try {
      return await this.whileStarting(
        () =>
          client.openSession({
            initialCatalog: this.options.defaultCatalog ?? undefined,
            initialSchema: this.options.defaultSchema ?? undefined,
            configuration: this.timeout ? { STATEMENT_TIMEOUT: String(this.timeout) } : undefined,
          }),
        progress,
      );
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Retries a request the warehouse refused with HTTP 503/429 while it starts.
   * The driver retries only polls and metadata calls, never OpenSession or
   * ExecuteStatement; those are safe to repeat because the warehouse did not
   * accept them.
   */
  async whileStarting<T>(request: () => Promise<T>, progress?: Progress): Promise<T> {
    const deadline = Date.now() + (this.options.startupWaitMs ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        const status = (error as { statusCode?: number })?.statusCode;
        if ((status !== 503 && status !== 429) || Date.now() >= deadline) throw error;
        progress?.waiting?.("The warehouse is starting. The query runs as soon as it is up.");
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** attempt)));
        if (progress?.signal?.aborted) throw new EngineError("Query cancelled", { cancelled: true });
      }
    }
  }

  private release(session: IDBSQLSession): void {
    if (this.idle.length < IDLE_SESSIONS) this.idle.push(session);
    else void session.close().catch(() => {});
  }

  async openSession(progress?: Progress): Promise<EngineSession> {
    return new DatabricksSession(this, await this.session(false, progress));
  }

  /** Runs `work` on a pooled session; once more on a new session if the old one expired. */
  async withSession<T>(work: (session: IDBSQLSession) => Promise<T>): Promise<T> {
    let session = await this.session();
    try {
      const result = await work(session);
      this.release(session);
      return result;
    } catch (error) {
      void session.close().catch(() => {});
      if (!isExpiredSession(error)) throw this.failure(error);
      session = await this.session(true);
      try {
        const result = await work(session);
        this.release(session);
        return result;
      } catch (retryError) {
        void session.close().catch(() => {});
        throw this.failure(retryError);
      }
    }
  }

  /** @internal for DatabricksSession: the statement timeout in seconds, if any. */
  get timeout(): number | undefined {
    return this.options.statementTimeoutSeconds;
  }

  /** @internal for DatabricksSession */
  renew(): Promise<IDBSQLSession> {
    return this.session(true);
  }

  /** @internal for DatabricksSession */
  giveBack(session: IDBSQLSession): void {
    this.release(session);
  }

  listCatalogs(): Promise<string[]> {
    return this.metadata(
      (s) => s.getCatalogs(),
      (r) => String(r.TABLE_CAT),
    );
  }

  listSchemas(catalog: string): Promise<string[]> {
    return this.metadata(
      (s) => s.getSchemas({ catalogName: catalog }),
      (r) => String(r.TABLE_SCHEM),
    );
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    return this.metadata(
      (s) => s.getTables({ catalogName: catalog, schemaName: schema }),
      (r) => ({ name: String(r.TABLE_NAME), kind: /VIEW/i.test(String(r.TABLE_TYPE)) ? "view" : "table" }) as TableInfo,
    );
  }

  async listColumns(catalog: string, schema: string, table: string): Promise<ColumnInfo[]> {
    return this.metadata(
      (s) => s.getColumns({ catalogName: catalog, schemaName: schema, tableName: table }),
      (r) => ({ name: String(r.COLUMN_NAME), type: String(r.TYPE_NAME), nullable: Number(r.NULLABLE) !== 0 }),
    );
  }

  /**
   * GetTables with a name pattern over every catalog. Unity Catalog keeps names
   * in lower case, so the text is matched in lower case; `%`, `_` and `\` in it
   * are escaped to match themselves. Only the first `limit` matches are fetched.
   */
  async searchTables(text: string, limit: number): Promise<FoundTable[]> {
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
    const found = await this.metadata(
      (s) => s.getTables({ tableName: pattern, maxRows: limit }),
      (r): FoundTable => ({
        catalog: String(r.TABLE_CAT),
        schema: String(r.TABLE_SCHEM),
        name: String(r.TABLE_NAME),
        kind: /VIEW/i.test(String(r.TABLE_TYPE)) ? "view" : "table",
      }),
      limit,
    );
    // The first answer can bring more rows than asked for.
    return rankMatches(found, text).slice(0, limit);
  }

  async testConnection(): Promise<ConnectionCheck> {
    try {
      const version = await this.withSession(async (session) => {
        const operation = await session.executeStatement("SELECT 1 AS ok", { runAsync: true });
        try {
          await operation.fetchAll();
        } finally {
          await operation.close().catch(() => {});
        }
        return "Connected: the warehouse ran SELECT 1.";
      });
      return { ok: true, detail: version };
    } catch (error) {
      return { ok: false, message: this.failure(error).message };
    }
  }

  async close(): Promise<void> {
    for (const session of this.idle.splice(0)) await session.close().catch(() => {});
    const client = await this.client?.catch(() => null);
    await client?.close().catch(() => {});
    this.client = null;
  }

  /** A metadata call's rows, all of them or the first `maxRows`. */
  private metadata<T>(
    request: (s: IDBSQLSession) => Promise<IOperation>,
    map: (row: Record<string, unknown>) => T,
    maxRows?: number,
  ): Promise<T[]> {
    return this.withSession(async (session) => {
      const operation = await request(session);
      try {
        const rows = (
          maxRows === undefined
            ? await operation.fetchAll()
            : await operation.fetchChunk({ maxRows, disableBuffering: true })
        ) as Record<string, unknown>[];
        return rows.map(map);
      } finally {
        await operation.close().catch(() => {});
      }
    });
  }
}

class DatabricksSession implements EngineSession {
  private retried = false;

  constructor(
    private readonly engine: DatabricksEngine,
    private session: IDBSQLSession,
  ) {}

  async execute(sql: string, signal: AbortSignal, progress?: Progress): Promise<StatementResult> {
    let operation: IOperation;
    try {
      operation = await this.engine.whileStarting(
        () =>
          this.session.executeStatement(sql, {
            runAsync: true,
            maxRows: FIRST_ROWS,
            queryTimeout: this.engine.timeout,
          }),
        progress,
      );
    } catch (error) {
      if (!this.retried && isExpiredSession(error)) {
        // An idle session expired on the warehouse: reopen once and retry.
        this.retried = true;
        void this.session.close().catch(() => {});
        this.session = await this.engine.renew();
        return this.execute(sql, signal, progress);
      }
      throw this.engine.failure(error);
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
      const repeated = firstRepeated(names);
      // The driver hands rows over as objects keyed by column name: a repeated name would show one column's values twice.
      if (repeated !== undefined)
        throw new EngineError(
          `The result has more than one column named "${repeated}". Give each column its own name with AS, e.g. SELECT a.id AS a_id, b.id AS b_id.`,
        );
      return {
        kind: "rows",
        columns: plans.map((p, i) => ({ name: names[i], type: p.type, storageType: p.storageType })),
        batches: batches(operation, names, plans, signal, cancel, this.engine),
      };
    } catch (error) {
      signal.removeEventListener("abort", cancel);
      await operation.close().catch(() => {});
      if (signal.aborted) throw new EngineError("Query cancelled", { cancelled: true });
      throw this.engine.failure(error);
    }
  }

  async close(): Promise<void> {
    this.engine.giveBack(this.session);
  }
}

async function* batches(
  operation: IOperation,
  names: string[],
  plans: ColumnPlan[],
  signal: AbortSignal,
  cancel: () => void,
  engine: DatabricksEngine,
): AsyncGenerator<DuckDBDataChunk> {
  const types = plans.map((p) => p.storageType);
  try {
    for (;;) {
      let rows: Record<string, unknown>[];
      try {
        rows = (await operation.fetchChunk({ maxRows: FETCH_ROWS, disableBuffering: true })) as Record<
          string,
          unknown
        >[];
      } catch (error) {
        throw signal.aborted ? new EngineError("Query cancelled", { cancelled: true }) : engine.failure(error);
      }
      if (signal.aborted) throw new EngineError("Query cancelled", { cancelled: true });
      // DuckDB chunks hold at most 2048 rows.
      for (let start = 0; start < rows.length; start += 2048) {
        const slice = rows.slice(start, start + 2048);
        const chunk = DuckDBDataChunk.create(types, slice.length);
        chunk.setColumns(
          plans.map((plan, c) =>
            slice.map((row) => {
              const value = row[names[c]];
              return value === null || value === undefined ? null : plan.convert(value);
            }),
          ),
        );
        yield chunk;
      }
      if (!(await operation.hasMoreRows())) return;
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    await operation.close().catch(() => {});
  }
}

const TYPE_NAMES: Record<number, string> = {
  0: "BOOLEAN_TYPE",
  1: "TINYINT_TYPE",
  2: "SMALLINT_TYPE",
  3: "INT_TYPE",
  4: "BIGINT_TYPE",
  5: "FLOAT_TYPE",
  6: "DOUBLE_TYPE",
  7: "STRING_TYPE",
  8: "TIMESTAMP_TYPE",
  9: "BINARY_TYPE",
  10: "ARRAY_TYPE",
  11: "MAP_TYPE",
  12: "STRUCT_TYPE",
  13: "UNION_TYPE",
  14: "USER_DEFINED_TYPE",
  15: "DECIMAL_TYPE",
  16: "NULL_TYPE",
  17: "DATE_TYPE",
  18: "VARCHAR_TYPE",
  19: "CHAR_TYPE",
  20: "INTERVAL_YEAR_MONTH_TYPE",
  21: "INTERVAL_DAY_TIME_TYPE",
};

function planFor(column: ThriftSchema["columns"][number]): ColumnPlan {
  const entry = column.typeDesc.types[0]?.primitiveEntry;
  const qualifiers = entry?.typeQualifiers?.qualifiers ?? {};
  return columnPlan(
    TYPE_NAMES[entry?.type ?? 7] ?? "STRING_TYPE",
    qualifiers.precision?.i32Value,
    qualifiers.scale?.i32Value,
  );
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

/** Exact names first, then names that start with the text, then the rest; each group in name order. */
function rankMatches(found: FoundTable[], text: string): FoundTable[] {
  const needle = text.toLowerCase();
  const rank = (t: FoundTable) => {
    const name = t.name.toLowerCase();
    return name === needle ? 0 : name.startsWith(needle) ? 1 : 2;
  };
  return found
    .map((table) => ({ table, rank: rank(table) }))
    .sort((a, b) => a.rank - b.rank || a.table.name.localeCompare(b.table.name))
    .map(({ table }) => table);
}
