import "server-only";
import type IDBSQLSession from "@databricks/sql/dist/contracts/IDBSQLSession";
import type IOperation from "@databricks/sql/dist/contracts/IOperation";
import { log } from "../../log";
import { UNREACHABLE } from "../../network/warehouse-policy";
import type {
  Attribution,
  ColumnInfo,
  ConnectionCheck,
  Engine,
  EngineSession,
  FoundTable,
  Place,
  Progress,
  SqlWords,
  TableInfo,
} from "../types";
import { EngineError } from "../types";
import { databricksError } from "./errors";
import { type DatabricksOptions, STARTUP_WAIT_MS } from "./options";
import { queryTags } from "./query-tags";
import { DatabricksSession } from "./session";
import { SessionPool } from "./session-pool";
import { DATABRICKS_WORDS } from "./words";

export type { DatabricksOptions } from "./options";

/**
 * A Databricks SQL warehouse through the official driver (@databricks/sql):
 * telemetry off, exact types, chunked fetches, cancel, a small pool of
 * sessions, and one retry on a fresh session when the old one has expired.
 */
export class DatabricksEngine implements Engine {
  readonly dialect = "databricks" as const;
  private readonly pool: SessionPool;

  constructor(private readonly options: DatabricksOptions) {
    this.pool = new SessionPool(options, (error) => this.failure(error));
  }

  async openSession(progress?: Progress, place?: Place | null, attribution?: Attribution): Promise<EngineSession> {
    const open = async () =>
      new DatabricksSession(await this.pool.acquire(false, progress), {
        pool: this.pool,
        failure: (error) => this.failure(error),
        timeoutSeconds: this.options.statementTimeoutSeconds,
        startupWaitMs: this.options.startupWaitMs ?? STARTUP_WAIT_MS,
        queryTags: attribution ? queryTags(attribution) : undefined,
        cloudFetch: this.options.cloudFetch ?? true,
      });
    const session = await open();
    if (!place) return session;
    try {
      await session.moveTo(place, progress?.signal ?? new AbortController().signal, progress);
      return session;
    } catch (error) {
      await session.close();
      if (EngineError.is(error) && (error.details.cancelled || error.details.timedOut)) throw error;
      // The catalog or schema is gone (or not theirs any more): the run starts in the default, with the settings.
      const fresh = await open();
      await fresh.applySettings(place.settings ?? [], progress?.signal ?? new AbortController().signal, progress);
      return fresh;
    }
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

  get ranAs(): string | null {
    return this.options.ranAs ?? null;
  }

  get defaultNamespace() {
    const catalog = this.options.defaultCatalog;
    return catalog ? { catalog, schema: this.options.defaultSchema || null } : null;
  }

  /** Kept with the engine: asking a warehouse (SHOW FUNCTIONS) would start it only to complete a word. */
  async listWords(): Promise<SqlWords> {
    return DATABRICKS_WORDS;
  }

  async testConnection(): Promise<ConnectionCheck> {
    try {
      const version = await this.pool.withSession(async (session) => {
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

  close(): Promise<void> {
    return this.pool.close();
  }

  /** What the driver threw, as the member using this engine may read it. */
  private failure(error: unknown): EngineError {
    const reveal = this.options.revealNetwork ?? true;
    const shown = databricksError(error, reveal, this.options.host);
    if (!reveal && shown.message === UNREACHABLE && !EngineError.is(error))
      (this.options.logger ?? log).warn(
        `a member could not reach a warehouse: ${databricksError(error, true, this.options.host).message}`,
      );
    return shown;
  }

  /** A metadata call's rows, all of them or the first `maxRows`. */
  private metadata<T>(
    request: (s: IDBSQLSession) => Promise<IOperation>,
    map: (row: Record<string, unknown>) => T,
    maxRows?: number,
  ): Promise<T[]> {
    return this.pool.withSession(async (session) => {
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
