import type { ConnectionView } from "@/lib/connections";
import type { ParameterSpec } from "@/lib/sql/parameters";

export const LAKEBOOK_TOKEN = "LAKEBOOK_TOKEN";
export const DATABRICKS_TOKEN = "DATABRICKS_TOKEN";

export type SnippetKind = "pandas" | "polars" | "requests" | "connector" | "sqlalchemy" | "node";

export interface Snippet {
  kind: SnippetKind;
  /** The tab's name. */
  label: string;
  language: "python" | "javascript";
  /** The one environment variable to set; null when the code signs in through the browser instead. */
  env: typeof LAKEBOOK_TOKEN | typeof DATABRICKS_TOKEN | null;
  /** What to install first. */
  install: string;
  code: string;
}

/** What a snippet may know of a connection: where it is and how members sign in to it, never a secret. */
export type SnippetConnection = Pick<
  ConnectionView,
  "id" | "name" | "kind" | "host" | "port" | "httpPath" | "authType" | "defaultCatalog" | "defaultSchema"
>;

/** What the snippets run. */
export type SnippetSubject =
  /** A saved query: its results URL runs the saved SQL on its own connection. */
  | { kind: "query"; id: string; title: string; sql: string }
  /** A notebook cell's SQL, sent to Lakebook as a statement on the cell's connection. */
  | { kind: "cell"; title: string; sql: string }
  /** A connection alone: connect and run `SELECT 1`. */
  | { kind: "connection" };

export interface SnippetInput {
  /** The server's origin as the browser sees it (`window.location.origin`). */
  origin: string;
  subject: SnippetSubject;
  connection: SnippetConnection;
  /** Parameter widgets with the values to fill in (the bar's current ones, else the saved defaults). */
  parameters: readonly ParameterSpec[];
}
