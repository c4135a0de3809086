import type { SqlDialect } from "./split";
import { identifierText, scanTokens, type TokenKind } from "./tokens";

/**
 * What the editor's completion should offer at the cursor, read from the
 * tokens of the statement under it (lib/sql/tokens.ts: the one tokenizer the
 * server also splits and checks statements with; one pass, linear in the
 * text). Not a parser: it only needs the name being typed, the word before it,
 * and the tables the statement names with their aliases, and it must give an
 * answer for the broken, half-typed text an editor holds.
 */

/** A table the statement reads, as typed (unquoted parts), with its alias. */
export interface Relation {
  path: string[];
  alias: string | null;
}

interface Base {
  /** The part of the name typed so far (a quoted one with its opening quote). */
  prefix: string;
  /** UTF-16 offsets of what a candidate replaces: the prefix. */
  start: number;
  end: number;
}

export type CompletionContext =
  /** Where a table is named (after FROM, JOIN, INTO, UPDATE, TABLE): what may follow `path`. */
  | (Base & { kind: "relation"; path: string[] })
  /** After `qualifier.` elsewhere: the columns of the table that qualifier names. */
  | (Base & { kind: "qualified"; qualifier: string[]; relations: Relation[] })
  /** Anywhere else: columns of the statement's tables, keywords and functions. */
  | (Base & { kind: "general"; relations: Relation[] });

interface Tok {
  kind: TokenKind;
  start: number;
  end: number;
  open: boolean;
}

/** At most this many tables of one statement are looked up for its columns. */
export const MAX_RELATIONS = 16;

const RELATION_WORDS = new Set(["FROM", "JOIN", "INTO", "UPDATE", "TABLE"]);
const CLAUSE_WORDS = new Set([
  "SELECT",
  "FROM",
  "JOIN",
  "WHERE",
  "GROUP",
  "ORDER",
  "HAVING",
  "LIMIT",
  "QUALIFY",
  "WINDOW",
  "ON",
  "USING",
  "SET",
  "VALUES",
  "RETURNING",
  "UNION",
  "EXCEPT",
  "INTERSECT",
]);
/** Words that end a table's name instead of being its alias. */
const NOT_ALIAS = new Set([
  ...CLAUSE_WORDS,
  "AS",
  "LEFT",
  "RIGHT",
  "INNER",
  "OUTER",
  "FULL",
  "CROSS",
  "NATURAL",
  "ANTI",
  "SEMI",
  "ASOF",
  "POSITIONAL",
  "LATERAL",
  "TABLESAMPLE",
  "SAMPLE",
  "PIVOT",
  "UNPIVOT",
  "OFFSET",
  "FETCH",
  "FOR",
  "WITH",
  "AND",
  "OR",
  "NOT",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
]);

/** The context at UTF-16 offset `cursor` of `text`, or null inside a string, comment or number. */
export function completionContext(text: string, cursor: number, dialect: SqlDialect): CompletionContext | null {
  const statement = statementAt(text, cursor, dialect);
  if (statement === null) return null;
  const toks = statement;
  // The name part under the cursor, if the cursor is in or just after one.
  let index = toks.findIndex((t) => t.end >= cursor);
  if (index === -1) index = toks.length;
  let start = cursor;
  let partial: Tok | null = null;
  const here = toks[index];
  if (here && here.start < cursor && isName(here)) {
    partial = here;
    start = here.start;
  } else if (here && here.start < cursor) {
    // A symbol ending at the cursor (`.`, `(`): nothing typed yet, and it comes before.
    index++;
  }
  const prefix = text.slice(start, cursor);
  // The dotted name before it: a.b.| or a.b.c|.
  const path: string[] = [];
  let first = index;
  while (first >= 2 && path.length <= 3 && isSymbol(text, toks[first - 1], ".") && isName(toks[first - 2])) {
    path.unshift(identifierText(text, toks[first - 2]));
    first -= 2;
  }
  const before = toks[first - 1];
  const base = { prefix, start, end: cursor };
  const clauses = clausesOf(text, toks);
  if (before && (isRelationWord(text, before) || (isSymbol(text, before, ",") && clauses[first - 1] === "FROM")))
    return { ...base, kind: "relation", path };
  const relations = relationsOf(text, toks, clauses, partial, first, index);
  if (path.length > 0) return { ...base, kind: "qualified", qualifier: path, relations };
  return { ...base, kind: "general", relations };
}

/** Tokens kept on each side of the cursor: a huge statement is read near the cursor only. */
const WINDOW = 4096;

/**
 * The significant tokens of the statement under the cursor (from the `;`
 * before it to the `;` after it, at most WINDOW on each side), or null when
 * the cursor is inside a string, comment or number.
 */
function statementAt(text: string, cursor: number, dialect: SqlDialect): Tok[] | null {
  let toks: Tok[] = [];
  let inside = false;
  let after = 0;
  scanTokens(text, dialect, (kind, start, end, open) => {
    if (start >= cursor && kind === "symbol" && text.charCodeAt(start) === 59 /* ; */) return false;
    if (start >= cursor && ++after > WINDOW) return false;
    // Dropped in halves, so that keeping the window costs a constant per token.
    if (toks.length >= 2 * WINDOW && start < cursor) toks = toks.slice(WINDOW);
    if (kind === "string" || kind === "comment" || kind === "number") {
      // At the end of a number, a line comment or an unclosed string or comment, typing goes on in it.
      const goesOn = open || kind === "number" || (kind === "comment" && text.startsWith("--", start));
      if (start < cursor && (cursor < end || (cursor === end && goesOn))) {
        inside = true;
        return false;
      }
    }
    if (kind === "space" || kind === "comment") return true;
    if (kind === "symbol" && text.charCodeAt(start) === 59 /* ; */) {
      toks = [];
      return true;
    }
    toks.push({ kind, start, end, open });
    return true;
  });
  return inside ? null : toks;
}

/** The tables the statement names (FROM, JOIN, commas of a FROM), with their aliases; not the one being typed. */
function relationsOf(
  text: string,
  toks: Tok[],
  clauses: (string | null)[],
  partial: Tok | null,
  typedFrom: number,
  typedTo: number,
): Relation[] {
  const out: Relation[] = [];
  for (let i = 0; i < toks.length && out.length < MAX_RELATIONS; i++) {
    const t = toks[i];
    const opens = (t.kind === "word" && isRelationWord(text, t)) || (isSymbol(text, t, ",") && clauses[i] === "FROM");
    if (!opens) continue;
    let j = i + 1;
    // The name being typed is not a table yet.
    if (j >= typedFrom && j <= typedTo) continue;
    const path: string[] = [];
    while (
      j < toks.length &&
      path.length <= 3 &&
      isName(toks[j]) &&
      toks[j] !== partial &&
      !isKeyword(text, toks[j], NOT_ALIAS)
    ) {
      path.push(identifierText(text, toks[j]));
      if (!isSymbol(text, toks[j + 1], ".")) {
        j++;
        break;
      }
      j += 2;
    }
    if (path.length === 0 || path.length > 3 || isSymbol(text, toks[j], "(")) continue;
    if (isKeyword(text, toks[j], new Set(["AS"]))) j++;
    const next = toks[j];
    const alias =
      next && isName(next) && next !== partial && !isKeyword(text, next, NOT_ALIAS) ? identifierText(text, next) : null;
    out.push({ path, alias });
  }
  return out;
}

/**
 * For each token, the clause (SELECT, FROM, WHERE, …) it is in at its own
 * depth of parentheses; null at the start of a parenthesis. One forward pass.
 */
function clausesOf(text: string, toks: Tok[]): (string | null)[] {
  const stack: (string | null)[] = [null];
  return toks.map((t) => {
    const here = stack[stack.length - 1];
    if (isSymbol(text, t, "(")) stack.push(null);
    else if (isSymbol(text, t, ")")) {
      if (stack.length > 1) stack.pop();
    } else if (isKeyword(text, t, CLAUSE_WORDS)) {
      const word = text.slice(t.start, t.end).toUpperCase();
      stack[stack.length - 1] = word === "JOIN" ? "FROM" : word;
    }
    return here;
  });
}

function isName(t: Tok | undefined): t is Tok {
  return t !== undefined && (t.kind === "word" || t.kind === "quoted");
}

function isSymbol(text: string, t: Tok | undefined, symbol: string): boolean {
  return t !== undefined && t.kind === "symbol" && t.end - t.start === 1 && text[t.start] === symbol;
}

function isRelationWord(text: string, t: Tok): boolean {
  return isKeyword(text, t, RELATION_WORDS);
}

function isKeyword(text: string, t: Tok | undefined, words: Set<string>): boolean {
  // Keywords are short: never upper-case a long word to look it up.
  return (
    t !== undefined && t.kind === "word" && t.end - t.start <= 12 && words.has(text.slice(t.start, t.end).toUpperCase())
  );
}
