import { runSteps, type Steps } from "@/lib/steps";
import {
  BACKTICK,
  blockCommentEnd,
  COLON,
  DASH,
  DOLLAR,
  DOT,
  DQUOTE,
  dollarStringEnd,
  dollarTagEnd,
  doubledQuoteEnd,
  escapedQuoteEnd,
  isDigit,
  isDigitRun,
  isSpace,
  isWordPart,
  isWordStart,
  lineCommentEnd,
  numberEnd,
  PLUS,
  QUOTE,
  SLASH,
  STAR,
  TYPED_LITERAL_SUFFIXES,
} from "./lexemes";
import type { SqlDialect } from "./split";

export type TokenKind = "word" | "quoted" | "string" | "number" | "comment" | "space" | "symbol";

export interface Token {
  kind: TokenKind;
  /** UTF-16 offset in the text. */
  start: number;
  /** Exclusive. */
  end: number;
  /** A string, quoted identifier or block comment that reaches the end of the text unclosed. */
  open?: boolean;
}

/**
 * Tokens of `sql` in order, in one pass: time and memory linear in the length.
 *
 * DuckDB follows PostgreSQL's lexer: '' doubling in strings and "identifiers", E'' strings with
 * backslash escapes, $tag$ strings, `--` comments ending at a line break, and /* *\/ comments that
 * nest. Databricks follows Spark's: ' and " strings with backslash escapes, R'' raw strings,
 * `identifiers` with `` doubling, `--` comments continued by a backslash at the end of the line,
 * nested /* *\/ comments; `/*+` opens a hint, whose contents are ordinary tokens.
 * In DuckDB a backtick right after a `:` opens a quoted name too: Lakebook's parameter marker
 * ``:`my name` `` is Databricks' syntax on both engines (DuckDB itself has no use for it there).
 * Text the engine cannot lex still becomes tokens (one-character symbols); nothing backtracks.
 */
export function* tokens(sql: string, dialect: SqlDialect = "duckdb"): Generator<Token> {
  const cursor: Cursor = { kind: "space", end: 0, open: false };
  for (let start = 0; start < sql.length; start = cursor.end) {
    readToken(sql, start, dialect, cursor);
    const { kind, end } = cursor;
    yield cursor.open ? { kind, start, end, open: true } : { kind, start, end };
  }
}

/**
 * The same tokens as `tokens`, handed to `visit` without allocating one object
 * each, for scanners on the request path; `visit` returns false to stop early.
 */
export function scanTokens(sql: string, dialect: SqlDialect, visit: TokenVisitor): void {
  runSteps(scanTokenSteps(sql, dialect, visit));
}

type TokenVisitor = (kind: TokenKind, start: number, end: number, open: boolean) => boolean | undefined;

/** A pause is allowed after this many tokens or characters, whichever comes first. */
const TOKENS_PER_STEP = 4096;
const CHARS_PER_STEP = 64 * 1024;

/**
 * `scanTokens` as steps (lib/steps.ts): yields every few thousand tokens or
 * tens of KiB, so a long text can be scanned in slices. (One token is read at
 * once: a 16 MiB unclosed comment is one tight, linear loop.)
 */
export function* scanTokenSteps(sql: string, dialect: SqlDialect, visit: TokenVisitor): Steps<void> {
  const cursor: Cursor = { kind: "space", end: 0, open: false };
  let count = 0;
  let stepStart = 0;
  for (let start = 0; start < sql.length; start = cursor.end) {
    readToken(sql, start, dialect, cursor);
    if (visit(cursor.kind, start, cursor.end, cursor.open) === false) return;
    if (++count === TOKENS_PER_STEP || cursor.end - stepStart >= CHARS_PER_STEP) {
      count = 0;
      stepStart = cursor.end;
      yield;
    }
  }
}

interface Cursor {
  kind: TokenKind;
  end: number;
  open: boolean;
}

/** Reads the token that starts at `start` into `out`. */
function readToken(sql: string, start: number, dialect: SqlDialect, out: Cursor): void {
  const n = sql.length;
  const c = sql.charCodeAt(start);
  const next = start + 1 < n ? sql.charCodeAt(start + 1) : -1;
  let kind: TokenKind;
  let end: number; // -1: open to the end of the text
  if (isSpace(c, dialect)) {
    kind = "space";
    end = start + 1;
    while (end < n && isSpace(sql.charCodeAt(end), dialect)) end++;
  } else if (c === DASH && next === DASH) {
    kind = "comment";
    end = lineCommentEnd(sql, start + 2, dialect);
  } else if (c === SLASH && next === STAR && !(dialect === "databricks" && sql.charCodeAt(start + 2) === PLUS)) {
    kind = "comment";
    end = blockCommentEnd(sql, start + 2, dialect);
  } else if (c === QUOTE || (c === DQUOTE && dialect === "databricks")) {
    kind = "string";
    end = dialect === "duckdb" ? doubledQuoteEnd(sql, start + 1, c) : escapedQuoteEnd(sql, start + 1, c, false);
  } else if (
    (c === DQUOTE && dialect === "duckdb") ||
    (c === BACKTICK && (dialect === "databricks" || sql.charCodeAt(start - 1) === COLON))
  ) {
    kind = "quoted";
    end = doubledQuoteEnd(sql, start + 1, c);
  } else if (dialect === "duckdb" && (c === 69 || c === 101) && next === QUOTE) {
    // E'...': backslash escapes, and '' still doubles.
    kind = "string";
    end = escapedQuoteEnd(sql, start + 2, QUOTE, true);
  } else if (dialect === "databricks" && (c === 82 || c === 114) && (next === QUOTE || next === DQUOTE)) {
    // R'...' and R"...": raw, no escapes at all.
    kind = "string";
    const close = sql.indexOf(String.fromCharCode(next), start + 2);
    end = close < 0 ? -1 : close + 1;
  } else if (c === DOLLAR && dialect === "duckdb" && dollarTagEnd(sql, start) > 0) {
    kind = "string";
    const tagEnd = dollarTagEnd(sql, start);
    end = dollarStringEnd(sql, sql.slice(start, tagEnd), tagEnd);
  } else if (isDigit(c) || (c === DOT && isDigit(next))) {
    kind = "number";
    end = numberEnd(sql, start, dialect);
    // Spark reads a digit run followed by letters as one identifier (`1a`), or as a typed literal (`1L`).
    if (
      dialect === "databricks" &&
      end < n &&
      isWordPart(sql.charCodeAt(end), dialect) &&
      isDigitRun(sql, start, end)
    ) {
      const numeric = end;
      while (end < n && isWordPart(sql.charCodeAt(end), dialect)) end++;
      if (!TYPED_LITERAL_SUFFIXES.has(sql.slice(numeric, end).toUpperCase())) kind = "word";
    }
  } else if (isWordStart(c, dialect)) {
    kind = "word";
    end = start + 1;
    while (end < n && isWordPart(sql.charCodeAt(end), dialect)) end++;
  } else {
    kind = "symbol";
    end = start + 1;
  }
  out.kind = kind;
  out.open = end < 0;
  out.end = end < 0 ? n : end;
}

/** The first `n` tokens that are not space or comments. */
export function significantTokens(sql: string, dialect: SqlDialect, n: number): Token[] {
  const out: Token[] = [];
  if (n <= 0) return out;
  for (const token of tokens(sql, dialect)) {
    if (token.kind === "space" || token.kind === "comment") continue;
    out.push(token);
    if (out.length >= n) break;
  }
  return out;
}

/** The text of a word or quoted identifier, unquoted (a "quoted" token's doubled quotes undone); words keep their case. */
export function identifierText(sql: string, token: Token): string {
  const text = sql.slice(token.start, token.end);
  if (token.kind !== "quoted") return text;
  const quote = text[0];
  const body = token.open ? text.slice(1) : text.slice(1, -1);
  return body.split(quote + quote).join(quote);
}
