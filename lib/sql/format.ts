import { type DialectOptions, duckdb, formatDialect, spark } from "sql-formatter";
import type { SqlDialect } from "./split";
import { scanTokens, type TokenKind, tokens } from "./tokens";

/**
 * The longest text the formatter takes, in UTF-16 code units. sql-formatter
 * parses with nearley, and its cost grows faster than the text: 64 KiB of
 * ordinary SQL takes one to two seconds (the browser runs it in a worker and
 * stops it after a few), a thousand statements formatted at once took 84 MB.
 * Hand-written queries are far shorter; a longer text is generated, and can
 * be formatted a selection at a time.
 */
export const MAX_FORMAT_CHARS = 64 * 1024;
/** Brackets nested deeper than this are refused: the output's indentation, and the time, grow with the square of the depth. */
export const MAX_FORMAT_DEPTH = 24;

export type FormatResult = { ok: true; text: string } | { ok: false; message: string };

/** Databricks SQL has the `::` cast that Spark's grammar in sql-formatter lacks. */
const DATABRICKS: DialectOptions = {
  ...spark,
  tokenizerOptions: { ...spark.tokenizerOptions, operators: [...(spark.tokenizerOptions.operators ?? []), "::"] },
  formatOptions: { ...spark.formatOptions, alwaysDenseOperators: ["::"] },
};

function formatterOptions(dialect: SqlDialect) {
  const base = dialect === "duckdb" ? duckdb : DATABRICKS;
  const params = base.tokenizerOptions.paramTypes ?? {};
  // `:name` and :`any name` are named parameters (Databricks' markers), each kept as one token.
  // (The regex's two alternatives start with different characters: it cannot backtrack.)
  return {
    dialect: base,
    paramTypes: {
      ...params,
      named: [...(params.named ?? []), ":" as const],
      custom: [...(params.custom ?? []), { regex: ":`(?:[^`]|``)*`" }],
    },
    keywordCase: "preserve" as const,
    tabWidth: 2,
  };
}

interface Lexeme {
  kind: TokenKind;
  start: number;
  end: number;
}

/**
 * Formats SQL with sql-formatter in the engine's dialect. sql-formatter only
 * chooses the whitespace; every token of the result is the user's own text
 * (comments and strings exactly as typed), checked against a second reading
 * with Lakebook's tokenizer: if the two disagree — a token lost, split or
 * glued to its neighbour — nothing is changed and the answer says so.
 * Whitespace before and after the text is kept (a selection stays in place).
 */
export function formatSql(text: string, dialect: SqlDialect): FormatResult {
  if (text.length > MAX_FORMAT_CHARS)
    return {
      ok: false,
      message: `This SQL is too long to format (${Math.ceil(text.length / 1024)} KiB; the limit is ${MAX_FORMAT_CHARS / 1024} KiB). Select a part of it and format that.`,
    };
  if (text.trim() === "") return { ok: true, text };
  const read = readPieces(text, dialect);
  if ("message" in read) return { ok: false, message: read.message };
  const options = formatterOptions(dialect);
  const segments: string[] = [];
  for (const piece of read.pieces) {
    // A piece of comments alone is kept as it is.
    let formatted = piece.significant ? "" : text.slice(piece.start, piece.end).trim();
    if (piece.significant) {
      try {
        formatted = formatDialect(text.slice(piece.start, piece.end), options).trim();
      } catch (error) {
        const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
        return {
          ok: false,
          message: `Could not format the statement that starts on line ${lineOf(text, piece.firstToken)}: ${first} Nothing was changed.`,
        };
      }
    }
    // A `;` after a line comment would become part of the comment.
    if (piece.semicolon) formatted += endsWithLineComment(formatted, dialect) ? "\n;" : ";";
    if (formatted !== "") segments.push(formatted);
  }
  const body = segments.join("\n\n");
  const restored = restoreTokens(text, read.lexemes, body, dialect);
  if (restored === null)
    return {
      ok: false,
      message: "The formatter would have changed more than the spacing of this SQL, so nothing was changed.",
    };
  const lead = text.length - text.trimStart().length;
  const trail = text.trimEnd().length;
  return { ok: true, text: text.slice(0, lead) + restored + text.slice(trail) };
}

interface Piece {
  start: number;
  /** Exclusive; the `;` if there is one. */
  end: number;
  semicolon: boolean;
  significant: boolean;
  firstToken: number;
}

/** The statements (text between top-level semicolons) and every token that is not space, in one linear pass. */
function readPieces(text: string, dialect: SqlDialect): { pieces: Piece[]; lexemes: Lexeme[] } | { message: string } {
  const pieces: Piece[] = [];
  const lexemes: Lexeme[] = [];
  let piece: Piece = { start: 0, end: 0, semicolon: false, significant: false, firstToken: 0 };
  let depth = 0;
  let problem: string | null = null;
  scanTokens(text, dialect, (kind, start, end, open) => {
    if (kind === "space") return true;
    if (open) {
      problem = `An unclosed ${kind === "comment" ? "comment" : kind === "quoted" ? "quoted name" : "string"} starts on line ${lineOf(text, start)}: close it before formatting.`;
      return false;
    }
    lexemes.push({ kind, start, end });
    if (kind === "comment") return true;
    const c = kind === "symbol" ? text[start] : "";
    if (c === ";") {
      if (depth !== 0) {
        problem = `A bracket is still open at the semicolon on line ${lineOf(text, start)}: fix the brackets before formatting.`;
        return false;
      }
      pieces.push({ ...piece, end: start, semicolon: true });
      piece = { start: end, end, semicolon: false, significant: false, firstToken: end };
      return true;
    }
    if (!piece.significant) piece.firstToken = start;
    piece.significant = true;
    if (c === "(" || c === "[" || c === "{") {
      if (++depth > MAX_FORMAT_DEPTH) {
        problem = `Brackets are nested more than ${MAX_FORMAT_DEPTH} deep on line ${lineOf(text, start)}: too deep to format.`;
        return false;
      }
    } else if (c === ")" || c === "]" || c === "}") {
      if (--depth < 0) {
        problem = `The bracket on line ${lineOf(text, start)} closes nothing: fix the brackets before formatting.`;
        return false;
      }
    }
    return true;
  });
  if (problem !== null) return { message: problem };
  if (depth !== 0) return { message: "A bracket is never closed: fix the brackets before formatting." };
  pieces.push({ ...piece, end: text.length });
  return { pieces, lexemes };
}

/**
 * `formatted` with each token replaced by the original's text, or null when
 * the tokens differ in kind or text (comments may differ inside: sql-formatter
 * re-indents block comments, and the original is put back), or when two
 * tokens that form one operator or a parameter were joined or pulled apart.
 */
function restoreTokens(original: string, lexemes: Lexeme[], formatted: string, dialect: SqlDialect): string | null {
  const out: string[] = [];
  let i = 0;
  let previousEnd = -1;
  for (const token of tokens(formatted, dialect)) {
    if (token.kind === "space") {
      out.push(formatted.slice(token.start, token.end));
      continue;
    }
    const source = lexemes[i];
    if (!source || source.kind !== token.kind || token.open) return null;
    const sourceText = original.slice(source.start, source.end);
    if (token.kind !== "comment" && formatted.slice(token.start, token.end) !== sourceText) return null;
    if (i > 0 && mustKeepJoint(original, lexemes, i)) {
      const touchedBefore = lexemes[i - 1].end === source.start;
      if (touchedBefore !== (previousEnd === token.start)) return null;
    }
    out.push(sourceText);
    previousEnd = token.end;
    i++;
  }
  return i === lexemes.length ? out.join("") : null;
}

/** Pairs of characters that begin an operator of DuckDB or Databricks SQL (`<=`, `::`, `->>`, `||`…). */
const OPERATOR_PAIRS = new Set(
  "::,:=,<=,>=,<>,!=,==,=>,->,||,<<,>>,**,//,&&,@>,<@,!~,~~,~*,^@,|/,<-,#>,?|,?&,@@,!!".split(","),
);
const PARAMETER_PREFIXES = new Set([":", "$", "@"]);

/** Whether spacing between token `i` and the one before it changes what they mean. */
function mustKeepJoint(sql: string, lexemes: Lexeme[], i: number): boolean {
  const a = lexemes[i - 1];
  const b = lexemes[i];
  if (a.kind !== "symbol") return false;
  const first = sql[a.start];
  if (b.kind === "symbol") return OPERATOR_PAIRS.has(first + sql[b.start]);
  // `:name`, `$name`, `@name`: a parameter or variable only when written together
  // (but the `:` that ends a `::` cast is not a parameter's).
  const before = lexemes[i - 2];
  const cast = first === ":" && before?.kind === "symbol" && before.end === a.start && sql[before.start] === ":";
  return PARAMETER_PREFIXES.has(first) && !cast && (b.kind === "word" || b.kind === "number" || b.kind === "quoted");
}

function endsWithLineComment(text: string, dialect: SqlDialect): boolean {
  let last = "";
  scanTokens(text, dialect, (kind, start) => {
    if (kind !== "space") last = kind === "comment" ? text.slice(start, start + 2) : "";
    return true;
  });
  return last === "--";
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
