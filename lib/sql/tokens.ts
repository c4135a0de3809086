import { runSteps, type Steps } from "@/lib/steps";
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

// Character codes used below.
const NL = 10;
const CR = 13;
const QUOTE = 39; // '
const DQUOTE = 34; // "
const BACKTICK = 96; // `
const BACKSLASH = 92;
const DOLLAR = 36;
const DASH = 45;
const SLASH = 47;
const STAR = 42;
const PLUS = 43;
const DOT = 46;
const UNDERSCORE = 95;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Blanks: ASCII blanks, plus the Unicode spaces each engine treats as blanks (DuckDB replaces its
 * list with spaces before parsing; Spark's lexer lists its own in the WS rule).
 */
function isSpace(c: number, dialect: SqlDialect): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  if (c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000) return true;
  return dialect === "duckdb" ? c === 0x200b || c === 0x2060 || c === 0xfeff : c === 0x1680 || c === 0x2028;
}

/** Any non-ASCII code unit that is not a blank is a letter, as in PostgreSQL's lexer (lone surrogates too). */
function isWordStart(c: number, dialect: SqlDialect): boolean {
  return isAsciiLetter(c) || c === UNDERSCORE || (c >= 0x80 && !isSpace(c, dialect));
}

function isWordPart(c: number, dialect: SqlDialect): boolean {
  return isWordStart(c, dialect) || isDigit(c) || (c === DOLLAR && dialect === "duckdb");
}

/** DuckDB's dollar-quote tags: a letter, `_` or non-ASCII first, then digits too; never `$`. */
function isTagPart(c: number, first: boolean): boolean {
  return isAsciiLetter(c) || c === UNDERSCORE || c >= 0x80 || (!first && isDigit(c));
}

/**
 * Tokens of `sql` in order, in one pass: time and memory linear in the length.
 *
 * DuckDB follows PostgreSQL's lexer: '' doubling in strings and "identifiers", E'' strings with
 * backslash escapes, $tag$ strings, `--` comments ending at a line break, and /* *\/ comments that
 * nest. Databricks follows Spark's: ' and " strings with backslash escapes, R'' raw strings,
 * `identifiers` with `` doubling, `--` comments continued by a backslash at the end of the line,
 * nested /* *\/ comments; `/*+` opens a hint, whose contents are ordinary tokens.
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
  } else if ((c === DQUOTE && dialect === "duckdb") || (c === BACKTICK && dialect === "databricks")) {
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

const TYPED_LITERAL_SUFFIXES = new Set(["L", "S", "Y", "F", "D", "BD"]);

function lineCommentEnd(sql: string, from: number, dialect: SqlDialect): number {
  let i = from;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === NL || c === CR) {
      // Spark continues a line comment past a backslash right before the line feed.
      if (dialect === "databricks" && c === NL && sql.charCodeAt(i - 1) === BACKSLASH && i - 1 >= from) {
        i++;
        continue;
      }
      return i;
    }
    i++;
  }
  return i;
}

/** End of a block comment whose opening `/*` ends at `from`, or -1 when it never closes. */
function blockCommentEnd(sql: string, from: number, dialect: SqlDialect): number {
  let depth = 1;
  let i = from;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === STAR && sql.charCodeAt(i + 1) === SLASH) {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === SLASH && sql.charCodeAt(i + 1) === STAR) {
      // A hint's `/*+` does not open a nested comment in Spark.
      if (dialect === "databricks" && sql.charCodeAt(i + 2) === PLUS) i++;
      else {
        i += 2;
        depth++;
      }
    } else {
      i++;
    }
  }
  return -1;
}

/** End of a quoted text whose quote is escaped by doubling it, or -1 when it never closes. */
function doubledQuoteEnd(sql: string, from: number, quote: number): number {
  let i = from;
  for (;;) {
    const close = sql.indexOf(String.fromCharCode(quote), i);
    if (close < 0) return -1;
    if (sql.charCodeAt(close + 1) !== quote) return close + 1;
    i = close + 2;
  }
}

/**
 * End of a quoted text with backslash escapes, or -1 when it never closes. In DuckDB's E'' strings
 * a doubled quote escapes too; in Spark it ends one literal and starts the next.
 */
function escapedQuoteEnd(sql: string, from: number, quote: number, doubling: boolean): number {
  let i = from;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === quote) {
      if (!doubling || sql.charCodeAt(i + 1) !== quote) return i + 1;
      i += 2;
    } else i++;
  }
  return -1;
}

/** End of the `$tag$` opening at `from`, or -1 when the text there is not one. */
function dollarTagEnd(sql: string, from: number): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === DOLLAR) return i + 1;
    if (!isTagPart(c, i === from + 1)) return -1;
    i++;
  }
  return -1;
}

/**
 * End of a dollar-quoted string after its opening `delimiter`, or -1. Linear even for long tags:
 * a partial match of the tag contains no `$`, so the next candidate starts past it.
 */
function dollarStringEnd(sql: string, delimiter: string, from: number): number {
  let i = from;
  for (;;) {
    const at = sql.indexOf("$", i);
    if (at < 0) return -1;
    let k = 1;
    while (k < delimiter.length && sql.charCodeAt(at + k) === delimiter.charCodeAt(k)) k++;
    if (k === delimiter.length) return at + k;
    i = at + Math.max(1, k);
  }
}

/** DuckDB allows `_` between digits (1_000); Spark does not. */
function numberEnd(sql: string, from: number, dialect: SqlDialect): number {
  const n = sql.length;
  let i = from;
  const digits = () => {
    for (; i < n; i++) {
      const c = sql.charCodeAt(i);
      if (!(isDigit(c) || (c === UNDERSCORE && dialect === "duckdb"))) break;
    }
  };
  digits();
  if (sql.charCodeAt(i) === DOT) {
    i++;
    digits();
  }
  const e = sql.charCodeAt(i);
  if (e === 69 || e === 101) {
    const sign = sql.charCodeAt(i + 1);
    const first = sign === PLUS || sign === DASH ? i + 2 : i + 1;
    if (isDigit(sql.charCodeAt(first))) {
      i = first;
      digits();
    }
  }
  return i;
}

function isDigitRun(sql: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(sql.charCodeAt(i))) return false;
  return true;
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
