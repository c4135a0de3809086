import type { SqlDialect, Statement } from "./split";
import { scanTokens } from "./tokens";

interface Piece {
  start: number;
  /** Exclusive: the `;` that ends it, or the end of the text. */
  end: number;
  significant: boolean;
}

/**
 * The statement the cursor at `offset` (UTF-16, as Monaco's `getOffsetAt`) is
 * in, cut out as `splitStatements` cuts it: its text trimmed (comments before
 * it included) and where that text starts. A cursor on a statement's `;`, or
 * after it with only blanks to the end of the line, is in that statement; a
 * cursor in a comment before a statement is in the statement. Where there is
 * no statement — after the last one, or in a run of comments and `;` — the one
 * before the cursor is taken, else the one after; null if there is none.
 * One pass over the tokens (the tokenizer never backtracks), stopping once
 * the answer is known.
 */
export function statementAt(text: string, offset: number, dialect: SqlDialect = "duckdb"): Statement | null {
  const cursor = Math.max(0, Math.min(offset, text.length));
  let piece: Piece = { start: 0, end: text.length, significant: false };
  let before: Piece | null = null;
  let found: Piece | null = null;
  let after: Piece | null = null;
  scanTokens(text, dialect, (kind, start, end) => {
    if (kind === "symbol" && text.charCodeAt(start) === 59 /* ; */) {
      const ended: Piece = { ...piece, end: start };
      // The piece holds the cursor from its start up to and including its `;`.
      if (!found && cursor <= start && cursor >= ended.start) found = ended;
      else if (found && !after && ended.significant && ended !== found) after = ended;
      if (!found && ended.significant) before = ended;
      piece = { start: end, end: text.length, significant: false };
      return !(found && ((found as Piece).significant || after));
    }
    if (kind !== "space" && kind !== "comment") piece.significant = true;
    return true;
  });
  // The text after the last `;` (or all of it, without one).
  if (!found) found = piece;
  else if (!after && piece.significant && piece.start > (found as Piece).start) after = piece;

  const chosen = pick(text, cursor, found, before, after);
  return chosen ? cut(text, chosen) : null;
}

function pick(text: string, cursor: number, found: Piece, before: Piece | null, after: Piece | null): Piece | null {
  // Just after a `;`, or after it with only blanks around the cursor to the end of the line: the statement the `;` ended.
  if (
    before &&
    before.end + 1 === found.start &&
    (cursor === found.start || (blanks(text, found.start, cursor) && blanks(text, cursor, lineEnd(text, cursor))))
  )
    return before;
  if (found.significant) return found;
  return before ?? after;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end === -1 ? text.length : end;
}

/** Only spaces and tabs (a line break is not a blank here). */
function blanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** As `splitStatements` cuts a piece: trimmed, with the offset of its first character. */
function cut(text: string, piece: Piece): Statement {
  const raw = text.slice(piece.start, piece.end);
  const trimmed = raw.trim();
  return { text: trimmed, offset: piece.start + raw.length - raw.trimStart().length };
}
