import type { SqlDialect } from "./split";
import { scanTokens, type TokenKind } from "./tokens";

/** Statements that begin with these words only read (DuckDB's FROM-first and SUMMARIZE included). */
const READING = new Set([
  "SELECT",
  "FROM",
  "VALUES",
  "TABLE",
  "SHOW",
  "DESCRIBE",
  "DESC",
  "SUMMARIZE",
  "PIVOT",
  "UNPIVOT",
]);
/** Words that make a WITH statement write (Spark SQL has WITH … INSERT; DuckDB refuses DML inside a CTE). */
const WRITING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * The first word of a statement, upper-cased, after blanks, comments and opening
 * parentheses; "" when it starts with anything else. Reads only as far as that word.
 */
export function leadingKeyword(sql: string, dialect: SqlDialect): string {
  let keyword = "";
  scanTokens(sql, dialect, (kind, start, end) => {
    if (kind === "space" || kind === "comment" || isOpening(sql, kind, start)) return true;
    if (kind === "word") keyword = sql.slice(start, end).toUpperCase();
    return false;
  });
  return keyword;
}

/**
 * Whether one statement only reads: it starts with a reading keyword, or with
 * WITH and no word at the WITH's own level of parentheses (or outside it) is
 * INSERT, UPDATE, DELETE or MERGE. One pass over the tokens.
 */
export function isQuery(sql: string, dialect: SqlDialect): boolean {
  let depth = 0;
  let withDepth = -1;
  let reads = false;
  scanTokens(sql, dialect, (kind, start, end) => {
    if (kind === "space" || kind === "comment") return true;
    if (isOpening(sql, kind, start)) {
      depth++;
      return true;
    }
    if (withDepth < 0) {
      const keyword = kind === "word" ? sql.slice(start, end).toUpperCase() : "";
      if (keyword !== "WITH") {
        reads = READING.has(keyword);
        return false;
      }
      withDepth = depth;
      reads = true;
    } else if (kind === "symbol" && sql.charCodeAt(start) === 41 /* ) */) {
      depth--;
    } else if (kind === "word" && depth <= withDepth && end - start <= 6) {
      if (WRITING.has(sql.slice(start, end).toUpperCase())) {
        reads = false;
        return false;
      }
    }
    return true;
  });
  return reads;
}

/** Statements that change the session they run in, for the statements after them. */
const SESSION_CHANGING = new Set(["USE", "SET", "RESET", "DECLARE"]);

/**
 * Whether a statement changes its session for later statements: USE, SET,
 * RESET, DECLARE (a session variable), or CREATE [OR REPLACE] TEMP[ORARY] …
 * Reads at most the first four words.
 */
export function changesSession(sql: string, dialect: SqlDialect): boolean {
  let words = 0;
  let changes = false;
  scanTokens(sql, dialect, (kind, start, end) => {
    if (kind === "space" || kind === "comment" || (words === 0 && isOpening(sql, kind, start))) return true;
    if (kind !== "word") return false;
    const word = sql.slice(start, end).toUpperCase();
    words++;
    if (words === 1) {
      changes = SESSION_CHANGING.has(word);
      return word === "CREATE";
    }
    if (word === "TEMP" || word === "TEMPORARY") changes = true;
    return !changes && words < 4 && (word === "OR" || word === "REPLACE");
  });
  return changes;
}

function isOpening(sql: string, kind: TokenKind, start: number): boolean {
  return kind === "symbol" && sql.charCodeAt(start) === 40; /* ( */
}
