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

export interface CompletionRequest {
  kind: CompletionRequestKind;
  /** Name parts typed before the one being typed (unquoted). */
  path: string[];
  prefix: string;
  /** Where unqualified names resolve (an editor tab's session place); else the connection's default. */
  place?: { catalog: string; schema: string } | null;
}

export function completionsUrl(connectionId: string, { kind, path, prefix, place }: CompletionRequest) {
  const query = new URLSearchParams({ kind, path: JSON.stringify(path), prefix });
  if (place) query.set("place", JSON.stringify([place.catalog, place.schema]));
  return `/api/connections/${encodeURIComponent(connectionId)}/completions?${query}`;
}
