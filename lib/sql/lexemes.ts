import type { SqlDialect } from "./split";

/** The pieces the tokenizer reads: character classes and where each kind of token ends, all in one pass. */

// Character codes used below.
const NL = 10;
const CR = 13;
export const QUOTE = 39; // '
export const DQUOTE = 34; // "
export const BACKTICK = 96; // `
export const COLON = 58;
const BACKSLASH = 92;
export const DOLLAR = 36;
export const DASH = 45;
export const SLASH = 47;
export const STAR = 42;
export const PLUS = 43;
export const DOT = 46;
const UNDERSCORE = 95;

export const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Blanks: ASCII blanks, plus the Unicode spaces each engine treats as blanks (DuckDB replaces its
 * list with spaces before parsing; Spark's lexer lists its own in the WS rule).
 */
export function isSpace(c: number, dialect: SqlDialect): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  if (c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000) return true;
  return dialect === "duckdb" ? c === 0x200b || c === 0x2060 || c === 0xfeff : c === 0x1680 || c === 0x2028;
}

/** Any non-ASCII code unit that is not a blank is a letter, as in PostgreSQL's lexer (lone surrogates too). */
export function isWordStart(c: number, dialect: SqlDialect): boolean {
  return isAsciiLetter(c) || c === UNDERSCORE || (c >= 0x80 && !isSpace(c, dialect));
}

export function isWordPart(c: number, dialect: SqlDialect): boolean {
  return isWordStart(c, dialect) || isDigit(c) || (c === DOLLAR && dialect === "duckdb");
}

/** DuckDB's dollar-quote tags: a letter, `_` or non-ASCII first, then digits too; never `$`. */
function isTagPart(c: number, first: boolean): boolean {
  return isAsciiLetter(c) || c === UNDERSCORE || c >= 0x80 || (!first && isDigit(c));
}

export const TYPED_LITERAL_SUFFIXES = new Set(["L", "S", "Y", "F", "D", "BD"]);

export function lineCommentEnd(sql: string, from: number, dialect: SqlDialect): number {
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
export function blockCommentEnd(sql: string, from: number, dialect: SqlDialect): number {
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
export function doubledQuoteEnd(sql: string, from: number, quote: number): number {
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
export function escapedQuoteEnd(sql: string, from: number, quote: number, doubling: boolean): number {
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
export function dollarTagEnd(sql: string, from: number): number {
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
export function dollarStringEnd(sql: string, delimiter: string, from: number): number {
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
export function numberEnd(sql: string, from: number, dialect: SqlDialect): number {
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

export function isDigitRun(sql: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(sql.charCodeAt(i))) return false;
  return true;
}
