import { pyString } from "@/lib/python/literals";
import { sqlalchemyEngineLines } from "@/lib/python/sqlalchemy-engine";
import { choiceValueType, isPlainName, type ParameterSpec } from "@/lib/sql/parameters";

/**
 * The first code cell of a Jupyter export: it makes the `%%sql` cells run.
 * Either through Lakebook's API (any connection; a small cell magic of our
 * own, needing only requests and pandas) or straight on the Databricks
 * warehouse with jupysql and databricks-sql-connector's SQLAlchemy dialect.
 * The secret is always read from an environment variable, never written.
 * Every value from the notebook enters the Python as a string literal
 * (lib/python/literals.ts: invisible and bidi characters escaped), never
 * inside a comment.
 */

export type JupyterConnect =
  | { kind: "lakebook"; baseUrl: string; connectionId: string }
  | {
      kind: "warehouse";
      host: string;
      port: number;
      httpPath: string;
      catalog: string | null;
      schema: string | null;
      /** Each member signs in with Databricks on this connection (oauth-u2m): the connector opens a browser, no token. */
      browserSignIn?: boolean;
    };

/** The connect cell's first line; import drops a code cell that starts with it (or carries the metadata flag). */
export const CONNECT_MARKER = "# Lakebook: connect";

export function connectSource(connect: JupyterConnect, parameters: readonly ParameterSpec[]): string {
  return connect.kind === "lakebook" ? lakebookSource(connect, parameters) : warehouseSource(connect, parameters);
}

/** Whether an imported code cell is an export's connect cell. */
export function isConnectCell(source: string, metadata: unknown): boolean {
  const lakebook = isRecord(metadata) && isRecord(metadata.lakebook) ? metadata.lakebook : null;
  return (
    lakebook?.role === "connect" || source.startsWith(`${CONNECT_MARKER} `) || source.startsWith(`${CONNECT_MARKER}\n`)
  );
}

const py = pyString;

function lakebookSource(connect: Extract<JupyterConnect, { kind: "lakebook" }>, parameters: readonly ParameterSpec[]) {
  const values = parameters.map((p) => `    ${py(p.name)}: ${statementValue(p)},\n`).join("");
  return `${CONNECT_MARKER} through Lakebook's API: each %%sql cell below runs there and returns a pandas DataFrame.
# Needs: pip install requests pandas
# Before starting Jupyter, set LAKEBOOK_TOKEN to a personal API token (Lakebook: Account settings, API tokens).
import io
import os
import re
from urllib.parse import urljoin

import pandas as pd
import requests
from IPython.core.magic import register_cell_magic

LAKEBOOK_URL = ${py(connect.baseUrl)}
LAKEBOOK_CONNECTION = ${py(connect.connectionId)}
# The notebook's parameters: a cell's :name takes its value from here (a plain string is text).
PARAMETERS = {
${values}}

_session = requests.Session()
_session.headers["Authorization"] = "Bearer " + os.environ["LAKEBOOK_TOKEN"]


def _lakebook(method, url, **kwargs):
    response = _session.request(method, urljoin(LAKEBOOK_URL + "/", url), timeout=120, **kwargs)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = None
        raise RuntimeError(f"Lakebook answered {response.status_code}: {detail or response.text[:500]}")
    return response


@register_cell_magic
def sql(line, cell):
    """Runs the cell on Lakebook (on the connection named after %%sql, else the notebook's) and returns its rows."""
    # Only the parameters the cell names: Lakebook checks every value it is sent.
    used = {name: value for name, value in PARAMETERS.items() if re.search(rf"(?<![\\w:]):({re.escape(name)}\\b|\`{re.escape(name.replace('\`', '\`\`'))}\`)", cell, re.IGNORECASE)}
    body = {"connection": line.strip() or LAKEBOOK_CONNECTION, "sql": cell, "parameters": used}
    run = _lakebook("POST", "api/v1/statements", json=body).json()
    while run["status"] == "running":
        run = _lakebook("GET", f"api/v1/runs/{run['id']}", params={"wait": 30}).json()
    if run["status"] != "succeeded":
        raise RuntimeError((run.get("error") or {}).get("message") or f"The run was {run['status']}.")
    if not run.get("columns"):
        return None
    csv = _lakebook("GET", run["links"]["results"]["csv"]).content
    # Every value as text, exactly as Lakebook shows it (BIGINT, DECIMAL(38), microsecond timestamps); only empty is NaN.
    return pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
`;
}

function warehouseSource(
  connect: Extract<JupyterConnect, { kind: "warehouse" }>,
  parameters: readonly ParameterSpec[],
) {
  // A back-quoted name (``:`start date` ``) is no Python variable: jupysql cannot bind it.
  const bindable = parameters.filter((p) => isPlainName(p.name) && !PYTHON_KEYWORDS.has(p.name));
  const values = bindable.map((p) => `${p.name} = ${pyValue(p.value)}\n`).join("");
  const parameterPart =
    bindable.length > 0
      ? `\n# The notebook's parameters: jupysql binds a cell's :name to the variable of that name.\n${values}`
      : "";
  // Where each member signs in with Databricks, the connector's browser OAuth and no token.
  const browser = connect.browserSignIn === true;
  const engine = [
    browser
      ? "# The connector opens your browser to sign in with Databricks: on this connection each member signs in as themselves."
      : "# Before starting Jupyter, set DATABRICKS_TOKEN to a Databricks personal access token.",
    ...(browser ? [] : ["import os", ""]),
    // The dialect ignores the URL's port: a warehouse on another port is reached through connect_args.
    ...sqlalchemyEngineLines({
      host: connect.host,
      port: Number.isInteger(connect.port) ? connect.port : 443,
      httpPath: connect.httpPath,
      catalog: connect.catalog,
      schema: connect.schema,
      browserSignIn: browser,
    }),
  ].join("\n");
  return `${CONNECT_MARKER} straight to the Databricks SQL warehouse: each %%sql cell below runs there with jupysql.
# Needs: pip install jupysql databricks-sql-connector databricks-sqlalchemy
${engine}
%load_ext sql
%sql engine
${parameterPart}`;
}

/** A parameter's value as a Python literal: a string, or a list of strings for a multi-choice. */
function pyValue(value: ParameterSpec["value"]): string {
  return Array.isArray(value) ? `[${value.map(py).join(", ")}]` : py(value);
}

/**
 * A value as `POST /api/v1/statements` takes it (as lib/python's snippets
 * send it): text as a plain string, any other type as `{"type", "value"}`,
 * a dropdown's values as numbers when every choice is one.
 */
function statementValue(spec: ParameterSpec): string {
  const type = spec.type === "choice" || spec.type === "query" ? choiceValueType(spec) : spec.type;
  if (type === "text") return pyValue(spec.value);
  return `{"type": ${py(type)}, "value": ${pyValue(spec.value)}}`;
}

/** Plain parameter names are `[a-z_][a-z0-9_]*`; these cannot be Python variables. */
const PYTHON_KEYWORDS = new Set(
  "and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
