import "server-only";

/** The sandbox's lists (sandbox-policy.ts): what a member's SQL may call, and how refused kinds are named. */

/**
 * Table functions a query may call: generators and the catalog's own views.
 * Every function that reads or writes files (read_csv, read_blob, glob,
 * parquet_metadata, sniff_csv…) and every one that shows the server's
 * internals (secrets, temporary files, logs) is left out.
 */
export const TABLE_FUNCTIONS = new Set([
  "RANGE",
  "GENERATE_SERIES",
  "UNNEST",
  "REPEAT",
  "REPEAT_ROW",
  "JSON_EACH",
  "JSON_TREE",
  "SQL_AUTO_COMPLETE",
  "TEST_ALL_TYPES",
  "PRAGMA_TABLE_INFO",
  "PRAGMA_SHOW",
  "PRAGMA_VERSION",
  "PRAGMA_PLATFORM",
  "PRAGMA_STORAGE_INFO",
  "PRAGMA_COLLATIONS",
  "DUCKDB_COLUMNS",
  "DUCKDB_CONSTRAINTS",
  "DUCKDB_DATABASES",
  "DUCKDB_DEPENDENCIES",
  "DUCKDB_EXTENSIONS",
  "DUCKDB_FUNCTIONS",
  "DUCKDB_INDEXES",
  "DUCKDB_KEYWORDS",
  "DUCKDB_SCHEMAS",
  "DUCKDB_SEQUENCES",
  "DUCKDB_SETTINGS",
  "DUCKDB_TABLES",
  "DUCKDB_TYPES",
  "DUCKDB_VIEWS",
]);

/** PRAGMAs that only read the catalog (DuckDB turns them into queries). */
export const READ_PRAGMAS = new Set([
  "TABLE_INFO",
  "SHOW_TABLES",
  "SHOW_TABLES_EXPANDED",
  "SHOW_DATABASES",
  "DATABASE_LIST",
  "DATABASE_SIZE",
  "VERSION",
  "PLATFORM",
  "STORAGE_INFO",
  "COLLATIONS",
  "FUNCTIONS",
]);

/** How the statement kinds that are never allowed are named to the member. */
export const REFUSED_KINDS: Record<string, string> = {
  ATTACH: "ATTACH",
  DETACH: "DETACH",
  COPY: "COPY … TO / FROM a file",
  COPY_DATABASE: "COPY FROM DATABASE",
  EXPORT: "EXPORT DATABASE",
  LOAD: "INSTALL and LOAD",
  UPDATE_EXTENSIONS: "UPDATE EXTENSIONS",
  PRAGMA: "A PRAGMA that changes settings",
  SET: "SET and RESET",
  CALL: "CALL",
  VACUUM: "VACUUM and ANALYZE",
  PREPARE: "PREPARE",
  EXECUTE: "EXECUTE",
  RELATION: "This kind of statement",
  MULTI: "This kind of statement",
};
