import { runSteps, type Steps } from "@/lib/steps";
import { scanTokenSteps } from "./tokens";

/** A statement cut out of the editor's text, with where it starts there. */
export interface Statement {
  text: string;
  /** Offset (in UTF-16 code units) of the statement's first character in the source. */
  offset: number;
}

export type SqlDialect = "duckdb" | "databricks";

/**
 * Splits SQL text into statements on top-level semicolons (not inside strings,
 * quoted identifiers or comments, which nest). Empty statements and
 * comment-only pieces are dropped. One pass over the tokens: linear in the text.
 */
export function splitStatements(sql: string, dialect: SqlDialect = "duckdb"): Statement[] {
  return runSteps(splitStatementSteps(sql, dialect));
}

/** `splitStatements` as steps (lib/steps.ts), for long texts split in slices. */
export function* splitStatementSteps(sql: string, dialect: SqlDialect): Steps<Statement[]> {
  const out: Statement[] = [];
  let pieceStart = 0;
  let significant = false;
  const cut = (end: number) => {
    const raw = sql.slice(pieceStart, end);
    const text = raw.trim();
    if (significant && text !== "") out.push({ text, offset: pieceStart + raw.length - raw.trimStart().length });
  };
  yield* scanTokenSteps(sql, dialect, (kind, start, end) => {
    if (kind === "symbol" && sql.charCodeAt(start) === 59 /* ; */) {
      cut(start);
      pieceStart = end;
      significant = false;
    } else if (kind !== "space" && kind !== "comment") {
      significant = true;
    }
    return true;
  });
  cut(sql.length);
  return out;
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The UTF-16 offset of 1-based `line` and `column` in `text`, clamped to the text (the inverse of lineColumnAt). */
export function offsetAt(text: string, line: number, column: number): number {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const newline = text.indexOf("\n", start);
    if (newline < 0) return text.length;
    start = newline + 1;
  }
  const end = text.indexOf("\n", start);
  return Math.min(start + Math.max(0, column - 1), end < 0 ? text.length : end);
}

/** Converts a byte offset into a UTF-8 encoding of `text` to a UTF-16 offset. */
export function utf16OffsetOfByte(text: string, byteOffset: number): number {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(bytes.slice(0, Math.max(0, byteOffset))).length;
}
