/**
 * The editor's completion, as the browser and the server share it: what the
 * browser asks for at a position (lib/sql/completion-context.ts decides) and
 * what GET /api/connections/<id>/completions answers.
 */

export type CandidateKind = "catalog" | "schema" | "table" | "view" | "column" | "keyword" | "function";

export interface Candidate {
  /** The name as the catalog spells it. */
  label: string;
  /** The text inserted: the name quoted in the connection's dialect where it needs it. */
  insert: string;
  kind: CandidateKind;
  /** A column's type, a function's signature. */
  detail?: string;
  /** A function's description. */
  documentation?: string;
}

export interface Candidates {
  items: Candidate[];
  /** More names matched than one answer holds: ask again with a longer prefix. */
  incomplete: boolean;
}

/**
 * `relations`: names that may follow `path` where a table is named (FROM, JOIN):
 * catalogs, schemas, tables and views. `columns`: the columns of the table
 * `path` names. `words`: the dialect's keywords and functions.
 */
export type CompletionRequestKind = "relations" | "columns" | "words";

/** At most this many candidates in one answer; with more, those starting with the prefix. */
export const MAX_CANDIDATES = 1000;
/** The longest prefix and name part a request may carry (the catalog calls' own limit). */
export const MAX_NAME = 255;

export function completionsUrl(connectionId: string, kind: CompletionRequestKind, path: string[], prefix: string) {
  const query = new URLSearchParams({ kind, path: JSON.stringify(path), prefix });
  return `/api/connections/${encodeURIComponent(connectionId)}/completions?${query}`;
}
