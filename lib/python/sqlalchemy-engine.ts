import { pyString } from "./literals";
import { DATABRICKS_TOKEN } from "./types";

/** Where a SQLAlchemy engine connects: a Databricks SQL warehouse, and how its member signs in. */
export interface EngineTarget {
  host: string;
  port: number;
  httpPath: string;
  catalog: string | null;
  schema: string | null;
  /** The connector's browser OAuth instead of a token from DATABRICKS_TOKEN. */
  browserSignIn: boolean;
}

/**
 * `engine = create_engine(…)` for databricks-sqlalchemy, as Python lines. The
 * dialect hands the connector the URL's host, token and query only; anything
 * else (the browser sign-in, a port other than 443) goes in `connect_args`.
 * Needs `os` imported unless the member signs in through the browser.
 */
export function sqlalchemyEngineLines(target: EngineTarget): string[] {
  const query = [
    `"http_path": ${pyString(target.httpPath)}`,
    ...(target.catalog ? [`"catalog": ${pyString(target.catalog)}`] : []),
    ...(target.schema ? [`"schema": ${pyString(target.schema)}`] : []),
  ];
  const connectArgs = [
    ...(target.browserSignIn ? ['"auth_type": "databricks-oauth"'] : []),
    ...(target.port !== 443 ? [`"_port": ${Math.trunc(target.port)}`] : []),
  ];
  return [
    "from sqlalchemy import create_engine",
    "from sqlalchemy.engine import URL",
    "",
    "engine = create_engine(",
    "    URL.create(",
    '        "databricks",',
    ...(target.browserSignIn
      ? []
      : ['        username="token",', `        password=os.environ["${DATABRICKS_TOKEN}"],`]),
    `        host=${pyString(target.host)},`,
    `        query={${query.join(", ")}},`,
    "    ),",
    ...(connectArgs.length > 0 ? [`    connect_args={${connectArgs.join(", ")}},`] : []),
    ")",
  ];
}
