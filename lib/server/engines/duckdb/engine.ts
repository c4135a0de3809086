import "server-only";
import type { DuckDBInstance } from "@duckdb/node-api";
import { findParameterMarkers } from "@/lib/sql/parameters";
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
  SyntaxProblem,
  TableInfo,
} from "../types";
import { EngineError } from "../types";
import { catalogQueries } from "./catalog-sql";
import { blankComments } from "./comments";
import { duckdbError } from "./errors";
import { DuckDBSession } from "./session";

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
