import { choiceValueType, findParameters, type ParameterSpec, specsFor } from "@/lib/sql/parameters";
import { directSnippets } from "./direct";
import { commentText, pyBlock, pyString, uriComponent, wellFormed } from "./literals";
import {
  LAKEBOOK_TOKEN,
  type Snippet,
  type SnippetConnection,
  type SnippetInput,
  type SnippetKind,
  type SnippetSubject,
} from "./types";

export * from "./types";

/**
 * "Use from Python": copy-ready code that works as pasted once the member sets
 * one environment variable. Every snippet the app shows comes from here, so a
 * change in the API's URL shapes (docs/ARCHITECTURE.md, "Use from Python")
 * changes them all. Pure: the browser builds them from what it already has.
 *
 * No secret can appear: the connection is read through `SnippetConnection`,
 * which has no secret field, and tokens are always read from the environment.
 */

/** Every snippet for the input: through Lakebook for a query or cell, straight to Databricks for a Databricks connection. */
export function snippetsFor(input: SnippetInput): Snippet[] {
  // Copy the fields a snippet uses: whatever else the caller's object holds is never read.
  const { id, name, kind, host, port, httpPath, authType, defaultCatalog, defaultSchema } = input.connection;
  const connection: SnippetConnection = {
    id,
    name,
    kind,
    host,
    port,
    httpPath,
    authType,
    defaultCatalog,
    defaultSchema,
  };
  const { subject } = input;
  const sql = subject.kind === "connection" ? "SELECT 1" : subject.sql;
  const dialect = kind === "databricks" ? "databricks" : "duckdb";
  const specs = specsFor(findParameters(sql, dialect), input.parameters).map(normalized);
  const out: Snippet[] = [];
  if (subject.kind !== "connection") {
    const lakebook = { origin: input.origin.replace(/\/+$/, ""), subject, connection, specs };
    out.push(pandasSnippet(lakebook), polarsSnippet(lakebook), requestsSnippet(lakebook));
  }
  if (kind === "databricks") out.push(...directSnippets(connection, sql, specs));
  return out;
}

/** A multi-select holds a list, every other widget one value, whatever a stale draft says. */
function normalized(spec: ParameterSpec): ParameterSpec {
  if (spec.type === "multi") return { ...spec, value: Array.isArray(spec.value) ? spec.value : [spec.value] };
  return { ...spec, value: Array.isArray(spec.value) ? (spec.value[0] ?? "") : spec.value };
}

interface Lakebook {
  origin: string;
  subject: Exclude<SnippetSubject, { kind: "connection" }>;
  connection: SnippetConnection;
  specs: ParameterSpec[];
}

/** `p.<name>=<value>` pairs; a multi-select repeats its name once per value. */
function queryPairs(specs: readonly ParameterSpec[]): [string, string][] {
  return specs.flatMap((spec) =>
    (Array.isArray(spec.value) ? spec.value : [spec.value]).map((v): [string, string] => [`p.${spec.name}`, v]),
  );
}

/** The saved query's CSV results URL with its parameters, encoded. */
export function resultsUrl(origin: string, queryId: string, specs: readonly ParameterSpec[], format = "csv"): string {
  const base = `${origin.replace(/\/+$/, "")}/api/v1/queries/${uriComponent(queryId)}/results.${format}`;
  const pairs = queryPairs(specs);
  return pairs.length === 0
    ? base
    : `${base}?${pairs.map(([k, v]) => `${uriComponent(k)}=${uriComponent(v)}`).join("&")}`;
}

const AUTH = `{"Authorization": f"Bearer {os.environ['${LAKEBOOK_TOKEN}']}"}`;

function header(lakebook: Lakebook, library: string): string[] {
  const { subject, origin, connection } = lakebook;
  const what =
    subject.kind === "query"
      ? `# The saved query "${commentText(subject.title)}", run now by Lakebook.`
      : `# ${commentText(subject.title)}: its SQL, run by Lakebook on "${commentText(connection.name)}".`;
  return [
    what,
    `# Set ${LAKEBOOK_TOKEN} to a token from ${commentText(origin, 200)}/account (scopes: ${subject.kind === "query" ? "read results, run queries" : "run SQL, read results"}).`,
    `# pip install ${library}`,
  ];
}

/** Python lines that start the cell's SQL as a statement and wait for it; `run` is then the finished run. */
function statementLines(lakebook: Lakebook): string[] {
  const subject = lakebook.subject;
  const params = lakebook.specs.map((s) => `    ${pyString(s.name)}: ${statementValue(s)},`);
  return [
    `base = ${pyString(lakebook.origin)}`,
    `headers = ${AUTH}`,
    `sql = ${pyBlock(subject.sql)}`,
    params.length === 0 ? "parameters = {}" : ["parameters = {", ...params, "}"].join("\n"),
    "",
    "response = requests.post(",
    `    f"{base}/api/v1/statements",`,
    "    headers=headers,",
    `    json={"connection": ${pyString(lakebook.connection.id)}, "sql": sql, "parameters": parameters},`,
    "    timeout=60,",
    ")",
    "response.raise_for_status()",
    "run = response.json()",
    'while run["status"] == "running":',
    `    response = requests.get(f"{base}/api/v1/runs/{run['id']}", params={"wait": 60}, headers=headers, timeout=90)`,
    "    response.raise_for_status()",
    "    run = response.json()",
    'if run["status"] != "succeeded":',
    `    raise RuntimeError(f"The run {run['status']}: {(run.get('error') or {}).get('message', '')}")`,
    `url = f"{base}/api/v1/runs/{run['id']}/results.csv"`,
  ];
}

function pandasSnippet(lakebook: Lakebook): Snippet {
  const { subject } = lakebook;
  const query = subject.kind === "query";
  const lines = [
    ...header(lakebook, query ? "pandas" : "pandas requests"),
    "import os",
    "",
    "import pandas as pd",
    ...(query ? [] : ["import requests"]),
    "",
    ...(subject.kind === "query"
      ? [`url = ${pyString(resultsUrl(lakebook.origin, subject.id, lakebook.specs))}`]
      : statementLines(lakebook)),
    "df = pd.read_csv(",
    "    url,",
    `    storage_options=${AUTH},`,
    "    # Every value as text, exactly as the warehouse wrote it: read as numbers, BIGINT and",
    "    # DECIMAL(38) values would lose digits. Convert the columns you need (decimal.Decimal keeps every digit).",
    "    dtype=str,",
    '    keep_default_na=False,  # "NA", "null", "nan" stay text; only empty fields are missing',
    '    na_values=[""],',
    ")",
    "print(df)",
  ];
  return python("pandas", "pandas", LAKEBOOK_TOKEN, lines, query ? "pandas" : "pandas requests");
}

function polarsSnippet(lakebook: Lakebook): Snippet {
  const { subject } = lakebook;
  const lines = [
    ...header(lakebook, "polars requests"),
    "import os",
    "",
    "import polars as pl",
    "import requests",
    "",
    ...(subject.kind === "query"
      ? [`url = ${pyString(resultsUrl(lakebook.origin, subject.id, lakebook.specs))}`, `headers = ${AUTH}`]
      : statementLines(lakebook)),
    "response = requests.get(url, headers=headers, timeout=600)",
    "response.raise_for_status()",
    "# Every column as text (exact); empty fields are null. Cast the columns you need.",
    "df = pl.read_csv(response.content, infer_schema_length=0)",
    "print(df)",
  ];
  return python("polars", "polars", LAKEBOOK_TOKEN, lines, "polars requests");
}

function requestsSnippet(lakebook: Lakebook): Snippet {
  const { subject, specs } = lakebook;
  const lines = [...header(lakebook, "requests"), "import os", "", "import requests", ""];
  if (subject.kind === "query") {
    // Python's URL encoder refuses a lone surrogate, as a URL cannot carry one.
    const params = specs.map((s) => `    ${pyString(`p.${s.name}`)}: ${pyValue(s.value, wellFormed)},`);
    lines.push(
      `url = ${pyString(`${lakebook.origin}/api/v1/queries/${uriComponent(subject.id)}/results.csv`)}  # or results.parquet, .arrow, .json, .ndjson, .tsv`,
      params.length === 0 ? "params = {}" : ["params = {", ...params, "}"].join("\n"),
      `headers = ${AUTH}`,
    );
  } else {
    lines.push(...statementLines(lakebook), "params = {}");
  }
  lines.push(
    "",
    "# Streamed to the file as it arrives: any size, constant memory.",
    "with requests.get(url, params=params, headers=headers, stream=True, timeout=600) as response:",
    "    response.raise_for_status()",
    '    with open("result.csv", "wb") as file:',
    "        for chunk in response.iter_content(chunk_size=1 << 20):",
    "            file.write(chunk)",
  );
  return python("requests", "requests", LAKEBOOK_TOKEN, lines, "requests");
}

/**
 * A value as `POST /api/v1/statements` takes it: text as a plain string, any
 * other type as `{"type", "value"}` so it binds as a number, DATE or
 * TIMESTAMP (numbers as text, so no digit is lost); a dropdown's values as
 * numbers when every choice is one, as the app binds them.
 */
function statementValue(spec: ParameterSpec): string {
  const type = spec.type === "choice" || spec.type === "query" ? choiceValueType(spec) : spec.type;
  if (type === "text") return pyValue(spec.value);
  return `{"type": ${pyString(type)}, "value": ${pyValue(spec.value)}}`;
}

/** A parameter's value as Python text: a string, or a list of them for a multi-select. */
function pyValue(value: string | string[], clean = (v: string) => v): string {
  const one = (v: string) => pyString(clean(v));
  return Array.isArray(value) ? `[${value.map(one).join(", ")}]` : one(value);
}

function python(kind: SnippetKind, label: string, env: Snippet["env"], lines: string[], install: string): Snippet {
  return { kind, label, language: "python", env, install: `pip install ${install}`, code: `${lines.join("\n")}\n` };
}
