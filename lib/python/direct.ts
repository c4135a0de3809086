import { bindStatement } from "@/lib/sql/parameter-binding";
import { isNumber, numberBinding, parseDate, parseTimestamp } from "@/lib/sql/parameter-values";
import type { BoundValue, ParameterSpec } from "@/lib/sql/parameters";
import { splitStatements } from "@/lib/sql/split";
import { commentText, jsBlock, jsString, pyBlock, pyString } from "./literals";
import { sqlalchemyEngineLines } from "./sqlalchemy-engine";
import { DATABRICKS_TOKEN, type Snippet, type SnippetConnection } from "./types";

/**
 * Snippets that reach the Databricks warehouse without Lakebook, as the member
 * (their own personal access token, or their own browser sign-in where each
 * member signs in with Databricks; never the connection's secret). The SQL
 * goes with its native `:name` markers and the values beside it, bound as the
 * app binds them (`bindStatement`): a multi-select's `:ids` becomes
 * `:ids__1, :ids__2`; numbers, dates and timestamps keep their types.
 */

interface Bound {
  text: string;
  values: BoundValue[];
}

export function directSnippets(connection: SnippetConnection, sql: string, specs: ParameterSpec[]): Snippet[] {
  const bySpec = new Map(specs.map((s) => [s.name, s]));
  const pieces = splitStatements(sql, "databricks");
  const statements: Bound[] = (pieces.length > 0 ? pieces.map((p) => p.text) : [sql]).map((text) =>
    bindStatement(text, "databricks", bySpec),
  );
  return [
    connectorSnippet(connection, statements),
    sqlalchemySnippet(connection, statements),
    nodeSnippet(connection, statements),
  ];
}

/** The snippet's first lines; `signIn` names what opens the browser where each member signs in with Databricks. */
function intro(connection: SnippetConnection, comment: string, install: string, signIn: string | null): string[] {
  return [
    `${comment} Straight to the Databricks SQL warehouse of "${commentText(connection.name)}", as yourself:`,
    signIn
      ? `${comment} ${signIn} opens your browser to sign in with Databricks (OAuth) when it connects.`
      : `${comment} set ${DATABRICKS_TOKEN} to a personal access token of your own Databricks account.`,
    `${comment} ${install}`,
  ];
}

/** A value as Python text, typed as the app binds it; a value that does not fit its type goes as a string. */
function pyParameter({ type, value }: BoundValue, imports: Set<string>): string {
  if (type === "number" && isNumber(value)) {
    const bound = numberBinding(value);
    if (bound.kind === "bigint") return bound.value.toString();
    if (bound.kind === "decimal") {
      imports.add("from decimal import Decimal");
      return `Decimal(${pyString(value)})`;
    }
    return `float(${pyString(value)})`;
  }
  if (type === "date") {
    const d = parseDate(value);
    if (d) {
      imports.add("import datetime");
      return `datetime.date(${d.year}, ${d.month}, ${d.day})`;
    }
  }
  if (type === "timestamp") {
    const t = parseTimestamp(value);
    if (t) {
      imports.add("import datetime");
      return `datetime.datetime(${[t.year, t.month, t.day, t.hour, t.minute, t.second, t.micros].join(", ")})`;
    }
  }
  return pyString(value);
}

/** `import …` lines, then `from … import …` lines, each sorted (as isort writes them); `os` for a token. */
function pyImports(extra: Set<string>, os = true): string[] {
  const all = [...extra, ...(os ? ["import os"] : [])].sort();
  return [...all.filter((l) => l.startsWith("import ")), ...all.filter((l) => l.startsWith("from "))];
}

function pyDict(values: BoundValue[], imports: Set<string>, indent: string): string {
  if (values.length === 0) return "{}";
  const items = values.map((v) => `${indent}    ${pyString(v.name)}: ${pyParameter(v, imports)},`);
  return ["{", ...items, `${indent}}`].join("\n");
}

/** `query` and `parameters` for one statement; `statements`, a list of both, for several. */
function pyStatements(statements: Bound[], imports: Set<string>): string[] {
  if (statements.length === 1) {
    const [only] = statements;
    return [`query = ${pyBlock(only.text)}`, `parameters = ${pyDict(only.values, imports, "")}`];
  }
  return [
    "# Run one after the other in one session; the last one's rows are kept.",
    "statements = [",
    ...statements.map((s) => `    (${pyBlock(s.text)}, ${pyDict(s.values, imports, "    ")}),`),
    "]",
  ];
}

function pyExecute(statements: Bound[], execute: (query: string, parameters: string) => string): string[] {
  return statements.length === 1
    ? [execute("query", "parameters")]
    : ["for query, parameters in statements:", `    ${execute("query", "parameters")}`];
}

/**
 * Where each member signs in with Databricks (OAuth user-to-machine), every
 * snippet signs in the same way, through the library's own browser OAuth
 * ("databricks-oauth"), and names no token.
 */
function signsInWithBrowser(connection: SnippetConnection): boolean {
  return connection.authType === "oauth-u2m";
}

function connectorSnippet(connection: SnippetConnection, statements: Bound[]): Snippet {
  const browser = signsInWithBrowser(connection);
  const imports = new Set<string>();
  const body = pyStatements(statements, imports);
  const connect = [
    `    server_hostname=${pyString(connection.host)},`,
    `    http_path=${pyString(connection.httpPath)},`,
    browser ? `    auth_type="databricks-oauth",` : `    access_token=os.environ["${DATABRICKS_TOKEN}"],`,
    ...(connection.defaultCatalog ? [`    catalog=${pyString(connection.defaultCatalog)},`] : []),
    ...(connection.defaultSchema ? [`    schema=${pyString(connection.defaultSchema)},`] : []),
    ...(connection.port !== 443
      ? [`    _port=${Math.trunc(connection.port)},  # a warehouse on a port other than 443`]
      : []),
  ];
  const lines = [
    ...intro(connection, "#", "pip install databricks-sql-connector", browser ? "the connector" : null),
    ...pyImports(imports, !browser),
    "",
    "from databricks import sql",
    "",
    ...body,
    "",
    "with sql.connect(",
    ...connect,
    ") as connection:",
    "    with connection.cursor() as cursor:",
    ...pyExecute(statements, (q, p) => `cursor.execute(${q}, ${p})`).map((l) => `        ${l}`),
    "        columns = [column[0] for column in cursor.description]",
    "        rows = cursor.fetchall()",
    "",
    "print(columns)",
    "for row in rows:",
    "    print(row)",
  ];
  return {
    kind: "connector",
    label: "Databricks connector",
    language: "python",
    env: browser ? null : DATABRICKS_TOKEN,
    install: "pip install databricks-sql-connector",
    code: `${lines.join("\n")}\n`,
  };
}

/** Through the connector; on `oauth-u2m` the URL has no token and `connect_args` asks for its browser OAuth. */
function sqlalchemySnippet(connection: SnippetConnection, statements: Bound[]): Snippet {
  const browser = signsInWithBrowser(connection);
  const imports = new Set<string>();
  const body = pyStatements(statements, imports);
  const lines = [
    ...intro(connection, "#", "pip install databricks-sqlalchemy pandas", browser ? "the connector" : null),
    ...pyImports(imports, !browser),
    "",
    "import pandas as pd",
    ...sqlalchemyEngineLines({
      host: connection.host,
      port: connection.port,
      httpPath: connection.httpPath,
      catalog: connection.defaultCatalog,
      schema: connection.defaultSchema,
      browserSignIn: browser,
    }),
    "",
    ...body,
    "",
    "with engine.connect() as connection:",
    "    # exec_driver_sql sends the text as written, with Databricks' own :name parameters",
    "    # (SQLAlchemy's text() would also read a colon inside a string as a parameter).",
    ...pyExecute(statements, (q, p) => `result = connection.exec_driver_sql(${q}, ${p})`).map((l) => `    ${l}`),
    "    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))",
    "print(df)",
  ];
  return {
    kind: "sqlalchemy",
    label: "SQLAlchemy",
    language: "python",
    env: browser ? null : DATABRICKS_TOKEN,
    install: "pip install databricks-sqlalchemy pandas",
    code: `${lines.join("\n")}\n`,
  };
}

/** The Spark type the app binds a value with (as `engines/databricks/session.ts` does), or null for a plain string. */
function sparkType({ type, value }: BoundValue): string | null {
  if (type === "date" && parseDate(value)) return "DATE";
  if (type === "timestamp" && parseTimestamp(value)) return "TIMESTAMP_NTZ";
  if (type !== "number" || !isNumber(value)) return null;
  const kind = numberBinding(value).kind;
  return kind === "bigint" ? "BIGINT" : kind === "decimal" ? "DECIMAL" : "DOUBLE";
}

function jsParameters(values: BoundValue[], indent: string): string {
  if (values.length === 0) return "{}";
  const items = values.map((v) => {
    const type = sparkType(v);
    const value = type
      ? `new DBSQLParameter({ type: DBSQLParameterType.${type}, value: ${jsString(v.value)} })`
      : jsString(v.value);
    return `${indent}  ${jsString(v.name)}: ${value},`;
  });
  return ["{", ...items, `${indent}}`].join("\n");
}

/** On `oauth-u2m`, `authType: "databricks-oauth"` with no client secret: the driver's browser sign-in (U2M). */
function nodeSnippet(connection: SnippetConnection, statements: Bound[]): Snippet {
  const browser = signsInWithBrowser(connection);
  const session: string[] = [];
  if (connection.defaultCatalog) session.push(`initialCatalog: ${jsString(connection.defaultCatalog)}`);
  if (connection.defaultSchema) session.push(`initialSchema: ${jsString(connection.defaultSchema)}`);
  const run =
    statements.length === 1
      ? [
          `  const operation = await session.executeStatement(${jsBlock(statements[0].text)}, {`,
          `    namedParameters: ${jsParameters(statements[0].values, "    ")},`,
          "  });",
        ]
      : [
          "  // Run one after the other in one session; the last one's rows are kept.",
          "  const statements = [",
          ...statements.map((s) => `    [${jsBlock(s.text)}, ${jsParameters(s.values, "    ")}],`),
          "  ];",
          "  let operation;",
          "  for (const [sql, namedParameters] of statements) {",
          "    await operation?.close();",
          "    operation = await session.executeStatement(sql, { namedParameters });",
          "  }",
        ];
  const lines = [
    ...intro(
      connection,
      "//",
      "npm install @databricks/sql  (run as an ES module: save as query.mjs)",
      browser ? "the driver" : null,
    ),
    'import { DBSQLClient, DBSQLParameter, DBSQLParameterType } from "@databricks/sql";',
    "",
    ...(browser
      ? []
      : [
          `const token = process.env.${DATABRICKS_TOKEN};`,
          `if (!token) throw new Error("Set ${DATABRICKS_TOKEN} to a Databricks personal access token.");`,
          "",
        ]),
    "const client = new DBSQLClient();",
    "await client.connect({",
    `  host: ${jsString(connection.host)},`,
    ...(connection.port !== 443 ? [`  port: ${Math.trunc(connection.port)},`] : []),
    `  path: ${jsString(connection.httpPath)},`,
    browser ? '  authType: "databricks-oauth",' : "  token,",
    "});",
    `const session = await client.openSession(${session.length ? `{ ${session.join(", ")} }` : ""});`,
    "try {",
    ...run,
    "  // The driver reads BIGINT and DECIMAL as JavaScript numbers (exact to 2^53, about 15 digits):",
    "  // cast wider values to STRING in the SQL to keep every digit.",
    "  const rows = await operation.fetchAll();",
    "  await operation.close();",
    "  console.table(rows);",
    "} finally {",
    "  await session.close();",
    "  await client.close();",
    "}",
  ];
  return {
    kind: "node",
    label: "Node",
    language: "javascript",
    env: browser ? null : DATABRICKS_TOKEN,
    install: "npm install @databricks/sql",
    code: `${lines.join("\n")}\n`,
  };
}
