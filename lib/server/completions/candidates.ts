import "server-only";
import { type Candidate, type Candidates, type CompletionRequestKind, MAX_CANDIDATES } from "@/lib/completions";
import { quoteIdentifier } from "@/lib/sql/quote";
import { engineFor } from "../connections/engines";
import type { User } from "../db/schema";
import type { ColumnInfo, Engine, SqlWords, TableInfo } from "../engines/types";
import { BUILTIN_LISTING_TTL_MS, cached, forgetCompletions, LISTING_TTL_MS, WORDS_TTL_MS } from "./cache";

export interface CompletionQuery {
  kind: CompletionRequestKind;
  /** Name parts before the one being typed, as typed (unquoted). */
  path: string[];
  prefix: string;
  /** [catalog, schema] where unqualified names resolve (an editor tab's place); else the engine's default. */
  place?: string[];
}

/**
 * The candidates for one position of the editor: only the names that may
 * stand there (the schemas of one catalog, the columns of one table), read
 * through the same engine calls, and the same permission check, as the
 * schema browser (`engineFor`), and cached per connection and member.
 */
export async function completions(user: User, connectionId: string, query: CompletionQuery): Promise<Candidates> {
  const engine = await engineFor(user, connectionId);
  const home = query.place ? { catalog: query.place[0], schema: query.place[1] } : engine.defaultNamespace;
  const reader = new CatalogReader(engine, connectionId, user.id, home);
  // The dialect's words are a fixed list, not the metastore: always whole.
  if (query.kind === "words") return { items: await reader.words(), incomplete: false };
  const items = query.kind === "columns" ? await reader.columns(query.path) : await reader.relations(query.path);
  return limit(items, query.prefix);
}

/** The schema browser's refresh: the member's next completions read the catalog again. */
export async function refreshCompletions(user: User, connectionId: string): Promise<void> {
  await engineFor(user, connectionId);
  forgetCompletions(connectionId, user.id);
}

/** At most MAX_CANDIDATES; with more, those that start with the prefix (any case), and the answer says there are more. */
function limit(items: Candidate[], prefix: string): Candidates {
  if (items.length <= MAX_CANDIDATES) return { items, incomplete: false };
  const wanted = prefix.toLowerCase();
  const matching = items.filter((item) => item.label.toLowerCase().startsWith(wanted));
  return { items: matching.slice(0, MAX_CANDIDATES), incomplete: true };
}

class CatalogReader {
  constructor(
    private readonly engine: Engine,
    private readonly connectionId: string,
    private readonly userId: string,
    private readonly home: Engine["defaultNamespace"],
  ) {}

  /** What may follow `path` where a table is named. */
  async relations(path: string[]): Promise<Candidate[]> {
    const home = this.home;
    if (path.length === 0) {
      const catalogs = (await this.catalogs()).map((name) => this.candidate(name, "catalog"));
      // Unqualified names resolve in the default schema.
      const tables = home?.schema ? await this.tables(home.catalog, home.schema) : [];
      return [...catalogs, ...tables];
    }
    if (path.length === 1) {
      // `x.` is a catalog (its schemas follow) or a schema of the default catalog (its tables follow).
      const catalog = await this.catalogNamed(path[0]);
      const schemas = catalog ? (await this.schemas(catalog)).map((name) => this.candidate(name, "schema")) : [];
      const schema = home ? await this.schemaNamed(home.catalog, path[0]) : null;
      const tables = home && schema ? await this.tables(home.catalog, schema) : [];
      return [...schemas, ...tables];
    }
    if (path.length === 2) {
      const catalog = await this.catalogNamed(path[0]);
      const schema = catalog && (await this.schemaNamed(catalog, path[1]));
      return catalog && schema ? this.tables(catalog, schema) : [];
    }
    return [];
  }

  /** The columns of the table `path` names (with the default catalog and schema for the parts left out). */
  async columns(path: string[]): Promise<Candidate[]> {
    const home = this.home;
    const [catalogPart, schemaPart, table] =
      path.length === 3 ? path : path.length === 2 ? [home?.catalog, ...path] : [home?.catalog, home?.schema, ...path];
    if (!catalogPart || !schemaPart || !table) return [];
    const catalog = await this.catalogNamed(catalogPart);
    const schema = catalog && (await this.schemaNamed(catalog, schemaPart));
    if (!catalog || !schema) return [];
    const tables = await this.cached(`tables\n${catalog}\n${schema}`, () => this.engine.listTables(catalog, schema));
    const found = matchName(
      tables.map((t) => t.name),
      table,
    );
    if (found === null) return [];
    const columns = await this.cached<ColumnInfo>(`columns\n${catalog}\n${schema}\n${found}`, () =>
      this.engine.listColumns(catalog, schema, found),
    );
    return columns.map((c) => ({ ...this.candidate(c.name, "column"), detail: c.type }));
  }

  async words(): Promise<Candidate[]> {
    const words = await this.cached("words", async () => wordCandidates(await this.engine.listWords()), WORDS_TTL_MS);
    return [...words];
  }

  private catalogs(): Promise<readonly string[]> {
    return this.cached("catalogs", () => this.engine.listCatalogs());
  }

  private schemas(catalog: string): Promise<readonly string[]> {
    return this.cached(`schemas\n${catalog}`, () => this.engine.listSchemas(catalog));
  }

  private async tables(catalog: string, schema: string): Promise<Candidate[]> {
    const tables = await this.cached<TableInfo>(`tables\n${catalog}\n${schema}`, () =>
      this.engine.listTables(catalog, schema),
    );
    return tables.map((t) => this.candidate(t.name, t.kind));
  }

  private async catalogNamed(typed: string): Promise<string | null> {
    return matchName(await this.catalogs(), typed);
  }

  private async schemaNamed(catalog: string, typed: string): Promise<string | null> {
    return matchName(await this.schemas(catalog), typed);
  }

  private candidate(name: string, kind: Candidate["kind"]): Candidate {
    return { label: name, insert: quoteIdentifier(name, this.engine.dialect), kind };
  }

  private cached<T>(what: string, load: () => Promise<readonly T[]>, ttl?: number): Promise<readonly T[]> {
    const listingTtl = this.engine.dialect === "duckdb" ? BUILTIN_LISTING_TTL_MS : LISTING_TTL_MS;
    return cached(this.connectionId, this.userId, what, load, ttl ?? listingTtl);
  }
}

/** Functions with their signature and description, then keywords. */
function wordCandidates(words: SqlWords): Candidate[] {
  return [
    ...words.functions.map(
      (f): Candidate => ({
        label: f.name,
        insert: f.name,
        kind: "function",
        detail: f.signature,
        documentation: f.description || undefined,
      }),
    ),
    ...words.keywords.map((k): Candidate => ({ label: k, insert: k, kind: "keyword" })),
  ];
}

/**
 * The catalog's spelling of a name as typed: the same name, else the one name
 * that differs only in case (both engines fold unquoted names), else none.
 */
function matchName(names: readonly string[], typed: string): string | null {
  if (names.includes(typed)) return typed;
  const lower = typed.toLowerCase();
  const same = names.filter((name) => name.toLowerCase() === lower);
  return same.length === 1 ? same[0] : null;
}
