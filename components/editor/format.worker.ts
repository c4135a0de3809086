/// <reference lib="webworker" />
import { type FormatResult, formatSql } from "@/lib/sql/format";
import type { SqlDialect } from "@/lib/sql/split";

/**
 * Formats SQL off the page's thread: sql-formatter's time grows faster than
 * the text, so the page stays responsive and can stop a format that takes
 * too long by ending this worker (components/editor/format-client.ts).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<{ id: number; text: string; dialect: SqlDialect }>) => {
  const { id, text, dialect } = event.data;
  let result: FormatResult;
  try {
    result = formatSql(text, dialect);
  } catch (error) {
    // A stack overflow or a bug of the formatter: a message, not an exception in the page.
    result = { ok: false, message: `Could not format this SQL: ${error instanceof Error ? error.message : error}` };
  }
  scope.postMessage({ id, result });
};
