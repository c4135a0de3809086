import { type DuckDBConnection, type DuckDBType, type DuckDBValue, INTEGER, SMALLINT, VARCHAR } from "@duckdb/node-api";
import {
  type GeneratedMetastore,
  generatedCatalogs,
  generatedColumns,
  generatedSchemas,
  generatedTables,
  isGeneratedCatalog,
} from "./generated-metastore";
import { StaticSource } from "./row-source";
import { fromDuckdbText, MAIN_CATALOG } from "./sql-rewrite";
import { ttypes } from "./thrift";
import { type ColumnSpec, decimalShape, tTypeId, typeName } from "./types";

/**
 * The session's getCatalogs/getSchemas/getTables/getColumns, answered from
 * DuckDB's catalog functions with the column names a Databricks warehouse
 * returns (JDBC's DatabaseMetaData names). DuckDB's own databases and its
 * `main` schemas are hidden; DuckDB's `main_catalog` is shown as `main`.
 * Name arguments are JDBC patterns (`%`, `_`; Databricks also takes `*`).
 */
const HIDDEN_DATABASES = "('memory', 'system', 'temp')";
const HIDDEN_SCHEMAS = "('main', 'pg_catalog', 'information_schema')";

const spec = (names: string[], type: DuckDBType = VARCHAR): ColumnSpec[] => names.map((name) => ({ name, type }));

export async function catalogs(connection: DuckDBConnection, generated?: GeneratedMetastore): Promise<StaticSource> {
  const rows = await query(
    connection,
    `SELECT database_name FROM duckdb_databases() WHERE database_name NOT IN ${HIDDEN_DATABASES} ORDER BY 1`,
  );
  const names = [...rows.map(([name]) => shown(name)), ...(generated ? generatedCatalogs(generated) : [])];
  return new StaticSource(
    spec(["TABLE_CAT"]),
    names.sort().map((name) => [name]),
  );
}

export async function schemas(
  connection: DuckDBConnection,
  catalog?: string,
  schema?: string,
  generated?: GeneratedMetastore,
): Promise<StaticSource> {
  if (generated && catalog && isGeneratedCatalog(generated, catalog)) {
    const names = generatedSchemas(generated).filter(matches(schema));
    return new StaticSource(
      spec(["TABLE_SCHEM", "TABLE_CATALOG"]),
      names.map((name) => [name, catalog]),
    );
  }
  const rows = await query(
    connection,
    `SELECT schema_name, database_name FROM duckdb_schemas()
     WHERE database_name NOT IN ${HIDDEN_DATABASES} AND schema_name NOT IN ${HIDDEN_SCHEMAS}
       AND ${filters(catalog, schema)} ORDER BY database_name, schema_name`,
  );
  return new StaticSource(
    spec(["TABLE_SCHEM", "TABLE_CATALOG"]),
    rows.map(([s, c]) => [s, shown(c)]),
  );
}

export async function tables(
  connection: DuckDBConnection,
  request: { catalogName?: string; schemaName?: string; tableName?: string; tableTypes?: string[] },
  generated?: GeneratedMetastore,
): Promise<StaticSource> {
  const types = request.tableTypes?.length ? request.tableTypes.map((t) => t.toUpperCase()) : ["TABLE", "VIEW"];
  const rows = (await tableRows(connection, request, generated)).filter(([, , , type]) => types.includes(String(type)));
  const columns = spec([
    "TABLE_CAT",
    "TABLE_SCHEM",
    "TABLE_NAME",
    "TABLE_TYPE",
    "REMARKS",
    "TYPE_CAT",
    "TYPE_SCHEM",
    "TYPE_NAME",
    "SELF_REFERENCING_COL_NAME",
    "REF_GENERATION",
  ]);
  return new StaticSource(
    columns,
    rows.map(([c, s, t, type, remarks]) => [shown(c), s, t, type, remarks ?? "", null, null, null, null, null]),
  );
}

export function tableTypes(): StaticSource {
  return new StaticSource(spec(["TABLE_TYPE"]), [["TABLE"], ["VIEW"]]);
}

const COLUMN_COLUMNS: [string, DuckDBType][] = [
  ["TABLE_CAT", VARCHAR],
  ["TABLE_SCHEM", VARCHAR],
  ["TABLE_NAME", VARCHAR],
  ["COLUMN_NAME", VARCHAR],
  ["DATA_TYPE", INTEGER],
  ["TYPE_NAME", VARCHAR],
  ["COLUMN_SIZE", INTEGER],
  ["BUFFER_LENGTH", SMALLINT],
  ["DECIMAL_DIGITS", INTEGER],
  ["NUM_PREC_RADIX", INTEGER],
  ["NULLABLE", INTEGER],
  ["REMARKS", VARCHAR],
  ["COLUMN_DEF", VARCHAR],
  ["SQL_DATA_TYPE", INTEGER],
  ["SQL_DATETIME_SUB", INTEGER],
  ["CHAR_OCTET_LENGTH", INTEGER],
  ["ORDINAL_POSITION", INTEGER],
  ["IS_NULLABLE", VARCHAR],
  ["SCOPE_CATALOG", VARCHAR],
  ["SCOPE_SCHEMA", VARCHAR],
  ["SCOPE_TABLE", VARCHAR],
  ["SOURCE_DATA_TYPE", SMALLINT],
  ["IS_AUTO_INCREMENT", VARCHAR],
];

/** Column types come from preparing `SELECT *` on each table, so they are DuckDB's exact result types. */
export async function columns(
  connection: DuckDBConnection,
  request: { catalogName?: string; schemaName?: string; tableName?: string; columnName?: string },
  generated?: GeneratedMetastore,
): Promise<StaticSource> {
  const rows: DuckDBValue[][] = [];
  const columnPattern = likePattern(request.columnName);
  if (generated && isGeneratedCatalog(generated, request.catalogName)) {
    for (const [catalog, schema, table] of await tableRows(connection, request, generated)) {
      generatedColumns(generated, String(schema), String(table))
        .filter(({ name }) => matches(request.columnName)(name))
        .forEach(({ name, type }, i) => {
          rows.push(columnRow([catalog, schema, table, name], type, i, true, null));
        });
    }
    return new StaticSource(
      COLUMN_COLUMNS.map(([name, type]) => ({ name, type })),
      rows,
    );
  }
  for (const [catalog, schema, table] of await tableRows(connection, request)) {
    const name = [catalog, schema, table].map((part) => `"${String(part).replaceAll('"', '""')}"`).join(".");
    const prepared = await connection.prepare(`SELECT * FROM ${name}`);
    const described = await query(
      connection,
      `SELECT column_name, is_nullable, column_comment FROM information_schema.columns
       WHERE table_catalog = ${literal(catalog)} AND table_schema = ${literal(schema)} AND table_name = ${literal(table)}
       ORDER BY ordinal_position`,
    );
    for (let i = 0; i < prepared.columnCount; i += 1) {
      const column = prepared.columnName(i);
      if (columnPattern && !likeRegExp(columnPattern).test(column)) continue;
      const [, nullable, comment] = described[i] ?? [column, "YES", null];
      const type = prepared.columnType(i);
      rows.push(columnRow([shown(catalog), schema, table, column], type, i, nullable !== "NO", comment));
    }
    prepared.destroySync();
  }
  return new StaticSource(
    COLUMN_COLUMNS.map(([name, type]) => ({ name, type })),
    rows,
  );
}

function columnRow(
  [catalog, schema, table, column]: DuckDBValue[],
  type: DuckDBType,
  index: number,
  nullable: boolean,
  comment: DuckDBValue,
): DuckDBValue[] {
  const decimal = decimalShape(type);
  const values: Record<string, DuckDBValue> = {
    TABLE_CAT: catalog,
    TABLE_SCHEM: schema,
    TABLE_NAME: table,
    COLUMN_NAME: column,
    DATA_TYPE: JDBC_TYPES[tTypeId(type)] ?? 1111,
    TYPE_NAME: typeName(type),
    COLUMN_SIZE: decimal?.precision ?? null,
    DECIMAL_DIGITS: decimal?.scale ?? null,
    NUM_PREC_RADIX: decimal ? 10 : null,
    NULLABLE: nullable ? 1 : 0,
    REMARKS: comment ?? "",
    // 0-based, as Spark's Thrift server reports it (databricks-jdbc adds 1 on the Thrift path).
    ORDINAL_POSITION: index,
    IS_NULLABLE: nullable ? "YES" : "NO",
    IS_AUTO_INCREMENT: "NO",
  };
  return COLUMN_COLUMNS.map(([name]) => values[name] ?? null);
}

const T = ttypes.TTypeId;
/** java.sql.Types codes, as Databricks reports DATA_TYPE. */
const JDBC_TYPES: Record<number, number> = {
  [T.BOOLEAN_TYPE]: 16,
  [T.TINYINT_TYPE]: -6,
  [T.SMALLINT_TYPE]: 5,
  [T.INT_TYPE]: 4,
  [T.BIGINT_TYPE]: -5,
  [T.FLOAT_TYPE]: 6,
  [T.DOUBLE_TYPE]: 8,
  [T.STRING_TYPE]: 12,
  [T.TIMESTAMP_TYPE]: 93,
  [T.DATE_TYPE]: 91,
  [T.DECIMAL_TYPE]: 3,
  [T.BINARY_TYPE]: -2,
  [T.ARRAY_TYPE]: 2003,
  [T.STRUCT_TYPE]: 2002,
  [T.MAP_TYPE]: 2000,
};

async function tableRows(
  connection: DuckDBConnection,
  request: { catalogName?: string; schemaName?: string; tableName?: string },
  generated?: GeneratedMetastore,
): Promise<DuckDBValue[][]> {
  const catalog = request.catalogName;
  if (generated && catalog && isGeneratedCatalog(generated, catalog)) {
    return generatedSchemas(generated)
      .filter(matches(request.schemaName))
      .flatMap((schema) =>
        generatedTables(generated, schema)
          .filter(({ name }) => matches(request.tableName)(name))
          .map(({ name, kind }) => [catalog, schema, name, kind, null]),
      );
  }
  const table = likePattern(request.tableName);
  return query(
    connection,
    `SELECT database_name, schema_name, name, kind, comment FROM (
       SELECT database_name, schema_name, table_name AS name, 'TABLE' AS kind, comment, internal FROM duckdb_tables()
       UNION ALL
       SELECT database_name, schema_name, view_name, 'VIEW', comment, internal FROM duckdb_views()
     ) WHERE NOT internal AND database_name NOT IN ${HIDDEN_DATABASES} AND schema_name NOT IN ${HIDDEN_SCHEMAS}
       AND ${filters(request.catalogName, request.schemaName)}
       ${table ? `AND name LIKE ${literal(table)} ESCAPE '\\'` : ""}
     ORDER BY database_name, schema_name, name`,
  );
}

function filters(catalog: string | undefined, schema: string | undefined): string {
  const parts = ["TRUE"];
  if (catalog) parts.push(`database_name = ${literal(catalog === "main" ? MAIN_CATALOG : catalog)}`);
  const pattern = likePattern(schema);
  if (pattern) parts.push(`schema_name LIKE ${literal(pattern)} ESCAPE '\\'`);
  return parts.join(" AND ");
}

function likePattern(pattern: string | undefined): string | null {
  if (!pattern || pattern === "%" || pattern === "*") return null;
  return pattern.replaceAll("*", "%");
}

/** Whether a name matches a request's JDBC pattern (any name when there is none). */
function matches(pattern: string | undefined): (name: string) => boolean {
  const like = likePattern(pattern);
  if (!like) return () => true;
  const expression = likeRegExp(like);
  return (name) => expression.test(name);
}

/** A JDBC LIKE pattern (`%`, `_`, `\` escapes) as a whole-string regular expression. */
function likeRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i];
    if (ch === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (ch === "%") source += ".*";
    else if (ch === "_") source += ".";
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, "s");
}

const escapeRegExp = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function query(connection: DuckDBConnection, sql: string): Promise<DuckDBValue[][]> {
  return (await connection.runAndReadAll(sql)).getRows();
}

const literal = (value: DuckDBValue) => `'${String(value).replaceAll("'", "''")}'`;
const shown = (catalog: DuckDBValue) => fromDuckdbText(String(catalog));
