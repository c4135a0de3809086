import { defaultSplitterOptions, type SplitterOptions, splitQuery } from "dbgate-query-splitter";

/** A statement cut out of the editor's text, with where it starts there. */
export interface Statement {
  text: string;
  /** Offset (in UTF-16 code units) of the statement's first character in the source. */
  offset: number;
}

export type SqlDialect = "duckdb" | "databricks";

const DIALECTS: Record<SqlDialect, SplitterOptions> = {
  // DuckDB: '' and "" escape by doubling; $$ strings as in PostgreSQL.
  duckdb: { ...defaultSplitterOptions, allowDollarDollarString: true, returnRichInfo: true },
  // Spark SQL: strings may use ' or " with backslash escapes; identifiers use backticks.
  databricks: {
    ...defaultSplitterOptions,
    stringsBegins: ["'", '"', "`"],
    stringsEnds: { "'": "'", '"': '"', "`": "`" },
    stringEscapes: { "'": "\\", '"': "\\", "`": "`" },
    returnRichInfo: true,
  },
};

interface RichItem {
  text: string;
  trimStart?: { position: number };
  start?: { position: number };
}

/**
 * Splits SQL text into statements on top-level semicolons (not inside strings,
 * quoted identifiers or comments). Empty statements and comment-only pieces are
 * dropped.
 */
export function splitStatements(sql: string, dialect: SqlDialect = "duckdb"): Statement[] {
  const items = splitQuery(sql, DIALECTS[dialect]) as unknown as RichItem[];
  const out: Statement[] = [];
  for (const item of items) {
    const text = item.text.trim();
    if (text === "" || isOnlyComments(text)) continue;
    const start = item.trimStart?.position ?? item.start?.position ?? sql.indexOf(text);
    out.push({ text, offset: start });
  }
  return out;
}

function isOnlyComments(text: string): boolean {
  return (
    text
      .replace(/--[^\n]*/g, "")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .trim() === ""
  );
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Converts a byte offset into a UTF-8 encoding of `text` to a UTF-16 offset. */
export function utf16OffsetOfByte(text: string, byteOffset: number): number {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(bytes.slice(0, Math.max(0, byteOffset))).length;
}
