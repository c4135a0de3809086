import { BIGINT, BOOLEAN, DATE, DECIMAL, DOUBLE, type DuckDBType, TIMESTAMP, VARCHAR } from "@duckdb/node-api";

/**
 * A large metastore that exists only in the metadata answers: catalogs
 * `lake_000`…, each with schemas `schema_00`…, each with tables `table_00`…
 * (every fifth a view), each with columns `col_00`… of cycling types. Nothing
 * is stored: each GetSchemas/GetTables/GetColumns computes the one listing it
 * was asked for, so 200 × 20 × 25 × 40 (four million columns) costs nothing
 * until a name is asked for. Statements cannot read these tables.
 */
export interface GeneratedMetastore {
  catalogs: number;
  schemas: number;
  tables: number;
  columns: number;
}

const TYPES: DuckDBType[] = [BIGINT, VARCHAR, DOUBLE, TIMESTAMP, DATE, BOOLEAN, DECIMAL(10, 2)];

const name = (prefix: string, i: number, width: number) => `${prefix}_${String(i).padStart(width, "0")}`;

function names(prefix: string, count: number): string[] {
  const width = Math.max(2, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => name(prefix, i, width));
}

export function generatedCatalogs(g: GeneratedMetastore): string[] {
  return names("lake", g.catalogs);
}

export function isGeneratedCatalog(g: GeneratedMetastore | undefined, catalog: string | undefined): boolean {
  return g !== undefined && catalog !== undefined && generatedCatalogs(g).includes(catalog);
}

export function generatedSchemas(g: GeneratedMetastore): string[] {
  return names("schema", g.schemas);
}

/** The tables and views of one schema (the same in every generated schema). */
export function generatedTables(g: GeneratedMetastore, schema: string): { name: string; kind: "TABLE" | "VIEW" }[] {
  if (!generatedSchemas(g).includes(schema)) return [];
  return names("table", g.tables).map((table, i) => ({ name: table, kind: i % 5 === 4 ? "VIEW" : "TABLE" }));
}

export function generatedColumns(
  g: GeneratedMetastore,
  schema: string,
  table: string,
): { name: string; type: DuckDBType }[] {
  if (!generatedTables(g, schema).some((t) => t.name === table)) return [];
  return names("col", g.columns).map((column, i) => ({ name: column, type: TYPES[i % TYPES.length] }));
}
