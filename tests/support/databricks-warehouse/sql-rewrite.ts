import { type Rewritten, Splicer } from "./rewritten";

/**
 * DuckDB reserves the database name `main`, but Databricks' default catalog is
 * `main`. The warehouse keeps that catalog as the DuckDB database
 * `main_catalog` and rewrites statements on the way in: `main` as the first
 * part of a three-part name, or as the catalog after USE / CATALOG / SCHEMA /
 * DATABASE (and SHOW … IN/FROM); `USE CATALOG x` and `USE SCHEMA y` become
 * DuckDB's `USE x` and `USE y`. Backtick identifiers (Databricks) become
 * double-quoted ones (DuckDB); the type name `TIMESTAMP_NTZ` becomes DuckDB's
 * `TIMESTAMP`. Strings, quoted identifiers and comments are left alone.
 */
export const MAIN_CATALOG = "main_catalog";

export interface Token {
  start: number;
  end: number;
  kind: "word" | "quoted" | "backtick" | "dot" | "other";
  /** Identifier value for words/quoted/backtick tokens. */
  value: string;
}

const CATALOG_CONTEXT = new Set(["use", "catalog", "schema", "database"]);

export function toDuckdbSql(sql: string): Rewritten {
  const tokens = tokenize(sql);
  const isShow = tokens[0]?.kind === "word" && tokens[0].value.toLowerCase() === "show";
  const isUse = tokens[0]?.kind === "word" && tokens[0].value.toLowerCase() === "use";
  const splicer = new Splicer(sql);
  tokens.forEach((token, i) => {
    let replacement: string | undefined;
    if (token.kind === "backtick") replacement = `"${token.value.replaceAll('"', '""')}"`;
    // Databricks' wall-clock timestamp type is DuckDB's TIMESTAMP (no zone).
    if (token.kind === "word" && token.value.toLowerCase() === "timestamp_ntz") replacement = "TIMESTAMP";
    // Databricks' USE CATALOG x / USE SCHEMA y is DuckDB's USE x / USE y.
    if (isUse && i === 1 && token.kind === "word" && CATALOG_CONTEXT.has(token.value.toLowerCase())) replacement = "";
    if (isIdentifier(token) && token.value.toLowerCase() === "main") {
      const threePart = tokens[i + 1]?.kind === "dot" && isIdentifier(tokens[i + 2]) && tokens[i + 3]?.kind === "dot";
      const before = tokens[i - 1];
      const previousWord = before?.kind === "word" ? before.value.toLowerCase() : "";
      const catalogPosition =
        CATALOG_CONTEXT.has(previousWord) || (isShow && (previousWord === "in" || previousWord === "from"));
      if (threePart || (catalogPosition && before?.kind !== "dot")) replacement = MAIN_CATALOG;
    }
    if (replacement !== undefined) splicer.replace(token.start, token.end, replacement);
  });
  return splicer.done();
}

/** Shows DuckDB's name for the main catalog as Databricks' in text sent back to clients. */
export function fromDuckdbText(text: string): string {
  return text.replaceAll(MAIN_CATALOG, "main");
}

function isIdentifier(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted" || token.kind === "backtick");
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "-" && sql[i + 1] === "-") {
      i = until(sql, "\n", i + 2);
    } else if (ch === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      const end = quotedEnd(sql, i, ch);
      const value = sql.slice(i + 1, end - 1).replaceAll(ch + ch, ch);
      if (ch !== "'") tokens.push({ start: i, end, kind: ch === '"' ? "quoted" : "backtick", value });
      i = end;
    } else if (/[A-Za-z_]/.test(ch)) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_$]/.test(sql[end])) end += 1;
      tokens.push({ start: i, end, kind: "word", value: sql.slice(i, end) });
      i = end;
    } else {
      tokens.push({ start: i, end: i + 1, kind: ch === "." ? "dot" : "other", value: ch });
      i += 1;
    }
  }
  return tokens;
}

function until(sql: string, marker: string, from: number): number {
  const at = sql.indexOf(marker, from);
  return at < 0 ? sql.length : at + marker.length;
}

/** End (exclusive) of a quoted token starting at `start`; a doubled quote is an escaped one. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}
