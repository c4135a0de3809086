/**
 * The editor's syntax check as you type: the connection's engine parses the
 * text (DuckDB's own parser on the built-in warehouse; nothing is run or
 * bound) and the first error is underlined. Shared by the route and the editor.
 */

/** Longer texts are not checked as you type (a run still reports their errors). */
export const MAX_SYNTAX_CHECK_BYTES = 256 * 1024;

export interface SyntaxCheck {
  /** False where the engine cannot parse without running (Databricks): nothing is marked. */
  checked: boolean;
  problem: { message: string; offset: number | null } | null;
}

export const syntaxUrl = (connectionId: string) => `/api/connections/${encodeURIComponent(connectionId)}/syntax`;

export const syntaxTooLong = () => `Only texts up to ${MAX_SYNTAX_CHECK_BYTES / 1024} KiB are checked as you type.`;
