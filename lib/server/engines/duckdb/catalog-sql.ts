import "server-only";
import { sqlString } from "@/lib/sql/quote";

/**
 * SQL for browsing the built-in warehouse's catalog. Pure builders: values are
 * inlined as escaped literals so each query is a single string to run.
 * Internal databases (system, temp) are hidden.
 */
export const catalogQueries = {
  catalogs: () =>
    "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name NOT IN ('system', 'temp') ORDER BY database_name",
  schemas: (catalog: string) =>
    `SELECT schema_name FROM duckdb_schemas() WHERE database_name = ${sqlString(catalog)} AND NOT internal AND schema_name <> 'pg_catalog' ORDER BY schema_name`,
  tables: (catalog: string, schema: string) =>
    `SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables WHERE table_catalog = ${sqlString(catalog)} AND table_schema = ${sqlString(schema)} ORDER BY table_name`,
  /** Tables and views named with `text` (any case), exact names first, then names that start with it. */
  search: (text: string, limit: number) => {
    const needle = `lower(${sqlString(text)})`;
    return `SELECT table_catalog, table_schema, table_name, CASE WHEN table_type = 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables WHERE table_catalog NOT IN ('system', 'temp') AND contains(lower(table_name), ${needle}) ORDER BY lower(table_name) <> ${needle}, NOT starts_with(lower(table_name), ${needle}), table_name, table_catalog, table_schema LIMIT ${Math.trunc(limit)}`;
  },
  columns: (catalog: string, schema: string, table: string) =>
    `SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns WHERE table_catalog = ${sqlString(catalog)} AND table_schema = ${sqlString(schema)} AND table_name = ${sqlString(table)} ORDER BY ordinal_position`,
  keywords: () => "SELECT keyword_name FROM duckdb_keywords() ORDER BY keyword_name",
  /**
   * One row per function name (operators and internal functions left out):
   * the signature of its overload with the fewest parameters, how many
   * overloads it has, and its description.
   */
  functions: () =>
    `SELECT function_name, arg_min(function_name || '(' || array_to_string(list_transform(range(len(parameters)), i -> parameters[i + 1] || coalesce(' ' || parameter_types[i + 1], '')), ', ') || ')' || coalesce(' → ' || return_type, ''), len(parameters)), count(*), coalesce(any_value(description), '') FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro', 'table', 'table_macro') AND NOT starts_with(function_name, '__') AND regexp_full_match(function_name, '[a-z_][a-z0-9_]*') GROUP BY function_name ORDER BY function_name`,
};
