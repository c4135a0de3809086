import { BACKTICK, COLON } from "./lexemes";
import { isNumber, parseDate, parseTimestamp } from "./parameter-values";
import type { SqlDialect } from "./split";
import { scanTokens, type TokenKind } from "./tokens";

/**
 * Named parameters in Databricks' syntax, `:name`, found with the tokenizer
 * (never a regular expression over the text) and bound as values, never
 * spliced into the SQL.
 *
 * A `:` followed at once by a name is a parameter marker unless it is read
 * otherwise by the engine:
 * - inside a string, quoted name or comment (those are other tokens);
 * - part of a `::` cast (`x::int`: the second `:` touches the first);
 * - a JSON path or a DuckDB prefix alias / struct key / lambda (`raw:owner`,
 *   `SELECT j: 42`, `{a: 1}`, `lambda x: x`): the `:` follows something that
 *   ends a value — a name that is not a keyword, a quoted name, a string, a
 *   number, `)`, `]`, `}`, `.` — so the engine reads it as an operator on that value;
 * - in DuckDB, inside `[ ]`, where `:` is a list slice.
 * A name is a word (`[A-Za-z_][A-Za-z0-9_]*`) or, as in Spark's grammar, a
 * back-quoted name (``:`start date` ``, a doubled backtick inside being one):
 * the parameter is then its unquoted text, at most 64 characters, no control
 * characters; in DuckDB too, where Lakebook gives the same syntax (tokens.ts).
 * Names are case-insensitive: `:Day`, `:day` and ``:`DAY` `` are one
 * parameter, named in lower case.
 */

export type ParameterType = "text" | "number" | "date" | "timestamp" | "choice" | "multi" | "query";

export const PARAMETER_TYPES: readonly ParameterType[] = [
  "text",
  "number",
  "date",
  "timestamp",
  "choice",
  "multi",
  "query",
];

/** A parameter's widget, saved with the query and the tab: its type, its value (the default, when saved), and a dropdown's choices. */
export interface ParameterSpec {
  name: string;
  type: ParameterType;
  value: string | string[];
  /**
   * The values a dropdown (`choice`) or multi-select (`multi`) offers; for a
   * dropdown filled from a saved query (`query`), the values of the first
   * column of that query's last result (the server reads them again when it runs).
   */
  choices?: string[];
  /** The saved query whose last result's first column fills a `query` dropdown. */
  queryId?: string;
}

/** A value a run ran with, as its record keeps it: the widget as it was (a dropdown's choices decide how its values bind). */
export type RunParameter = ParameterSpec;

/** A value as an engine binds it: the scalar types both engines have. */
export interface BoundValue {
  /** The marker's name in the text handed to the engine. */
  name: string;
  type: "text" | "number" | "date" | "timestamp";
  value: string;
}

export interface ParameterMarker {
  /** Lower case. */
  name: string;
  /** Offset of the `:`. */
  start: number;
  /** End of the name. */
  end: number;
}

export const MAX_PARAMETERS = 50;
export const MAX_NAME_LENGTH = 64;
export const MAX_CHOICES = 1000;
export const MAX_VALUE_LENGTH = 10_000;

/** Keywords after which an expression starts: a `:name` there is a value, not a path or an alias. */
const BEFORE_EXPRESSION = new Set([
  "SELECT",
  "WHERE",
  "AND",
  "OR",
  "NOT",
  "IN",
  "ON",
  "BY",
  "HAVING",
  "QUALIFY",
  "LIMIT",
  "OFFSET",
  "TOP",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "BETWEEN",
  "LIKE",
  "ILIKE",
  "RLIKE",
  "REGEXP",
  "ESCAPE",
  "IS",
  "VALUES",
  "SET",
  "RETURN",
  "DISTINCT",
  "ALL",
  "ANY",
  "SOME",
  "EXISTS",
  "INTERVAL",
  "DEFAULT",
  "DIV",
  "MOD",
  "USING",
  "RETURNING",
]);

/** Symbols that end a value: a `:` right after one is an operator on it. */
const VALUE_END_SYMBOLS = new Set([")", "]", "}", ".", ":"]);

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** A word usable as a parameter's name, or null. */
function nameOf(sql: string, start: number, end: number): string | null {
  if (end - start > MAX_NAME_LENGTH || !isNameStart(sql.charCodeAt(start))) return null;
  for (let i = start + 1; i < end; i++) if (!isNamePart(sql.charCodeAt(i))) return null;
  return sql.slice(start, end).toLowerCase();
}

/** A closed back-quoted name usable as a parameter's name (its unquoted text), or null. */
function quotedNameOf(sql: string, start: number, end: number): string | null {
  // At most every character doubled, plus the quotes: the slice stays small.
  if (sql.charCodeAt(start) !== BACKTICK || end - start > 2 * MAX_NAME_LENGTH + 2) return null;
  const name = sql.slice(start + 1, end - 1).replaceAll("``", "`");
  return isParameterName(name.toLowerCase()) ? name.toLowerCase() : null;
}

/** Whether `name` (lower case) can be a parameter's name: a word, or any text a back-quoted name can hold. */
export function isParameterName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || name !== name.toLowerCase()) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 32 || (c >= 127 && c < 160) || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/** Whether a name is written bare (`:day`); any other is back-quoted (``:`start date` ``). */
export function isPlainName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNamePart(name.charCodeAt(i))) return false;
  return true;
}

/** How a parameter is written in Databricks SQL: `:day`, or ``:`start date` `` with backticks doubled. */
export function markerText(name: string): string {
  return isPlainName(name) ? `:${name}` : `:\`${name.replaceAll("`", "``")}\``;
}

/** Every `:name` marker of `sql`, in order. One pass over the tokens: linear in the text. */
export function findParameterMarkers(sql: string, dialect: SqlDialect): ParameterMarker[] {
  const out: ParameterMarker[] = [];
  // The significant token before the current one, and the `:` waiting for its name.
  let prevKind: TokenKind | null = null;
  let prevStart = 0;
  let prevEnd = 0;
  let colon = -1;
  let colonAllowed = false;
  let brackets = 0;
  scanTokens(sql, dialect, (kind, start, end, open) => {
    if (colon >= 0 && start === colon + 1 && colonAllowed) {
      const name =
        kind === "word" ? nameOf(sql, start, end) : kind === "quoted" && !open ? quotedNameOf(sql, start, end) : null;
      if (name !== null) out.push({ name, start: colon, end });
    }
    colon = -1;
    if (kind === "space" || kind === "comment") return true;
    if (kind === "symbol") {
      const c = sql.charCodeAt(start);
      if (c === COLON) {
        colon = start;
        colonAllowed = markerAllowedAfter(sql, dialect, prevKind, prevStart, prevEnd, start, brackets);
      } else if (c === 91 /* [ */) brackets++;
      else if (c === 93 /* ] */ && brackets > 0) brackets--;
      else if (c === 59 /* ; */) brackets = 0;
    }
    prevKind = kind;
    prevStart = start;
    prevEnd = end;
    return true;
  });
  return out;
}

function markerAllowedAfter(
  sql: string,
  dialect: SqlDialect,
  kind: TokenKind | null,
  start: number,
  end: number,
  colon: number,
  brackets: number,
): boolean {
  if (dialect === "duckdb" && brackets > 0) return false;
  if (kind === null) return true;
  switch (kind) {
    case "symbol": {
      const symbol = sql[start];
      // `x::int`: the second `:` touches the first. `{'k': :v}` is a value.
      if (symbol === ":") return end !== colon;
      return !VALUE_END_SYMBOLS.has(symbol);
    }
    case "word":
      return end - start <= 9 && BEFORE_EXPRESSION.has(sql.slice(start, end).toUpperCase());
    default:
      // A quoted name, a string or a number ends a value.
      return false;
  }
}

/** The parameters of `sql`, once each, in order of first use. */
export function findParameters(sql: string, dialect: SqlDialect): string[] {
  const seen = new Set<string>();
  for (const marker of findParameterMarkers(sql, dialect)) seen.add(marker.name);
  return [...seen];
}

/** A new parameter's widget: text, empty. */
export function defaultSpec(name: string): ParameterSpec {
  return { name, type: "text", value: "" };
}

/**
 * The widgets for the parameters of `sql`: the given spec of each name found
 * (kept types, values and choices), a text widget for a new one; specs of names
 * no longer in the text are dropped.
 */
export function specsFor(names: string[], specs: readonly ParameterSpec[]): ParameterSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  return names.map((name) => byName.get(name) ?? defaultSpec(name));
}

/** Why a value cannot be used, or null when it can. */
export function valueProblem(spec: ParameterSpec): string | null {
  const { type, value } = spec;
  if (type === "multi") {
    if (!Array.isArray(value)) return "Choose values from the list.";
    if (value.length === 0) return "Choose at least one value.";
    const choices = new Set(spec.choices ?? []);
    const stray = value.find((v) => !choices.has(v));
    return stray === undefined ? null : `"${clip(stray)}" is not one of the choices.`;
  }
  if (typeof value !== "string") return "Give one value.";
  if (value.length > MAX_VALUE_LENGTH)
    return `Keep the value under ${MAX_VALUE_LENGTH.toLocaleString("en-US")} characters.`;
  switch (type) {
    case "text":
      return null;
    case "number":
      return isNumber(value.trim()) ? null : `"${clip(value)}" is not a number (e.g. 42, -1.5, 2e3).`;
    case "date":
      return parseDate(value.trim()) ? null : `"${clip(value)}" is not a date (YYYY-MM-DD).`;
    case "timestamp":
      return parseTimestamp(value.trim()) ? null : `"${clip(value)}" is not a timestamp (YYYY-MM-DD HH:MM[:SS]).`;
    case "choice":
    case "query":
      return (spec.choices ?? []).includes(value) ? null : "Choose a value from the list.";
  }
}

/** Why a widget's setup cannot be kept (a dropdown without choices), or null. */
export function specProblem(spec: ParameterSpec): string | null {
  if (spec.type === "query" && !spec.queryId) return "Choose the saved query whose first column fills the dropdown.";
  if ((spec.type === "choice" || spec.type === "multi") && (spec.choices ?? []).length === 0)
    return "Give the dropdown its choices.";
  if ((spec.choices ?? []).length > MAX_CHOICES) return `At most ${MAX_CHOICES} choices.`;
  return null;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The type a dropdown's values bind as: numbers when every choice is one, else text. */
export function choiceValueType(spec: Pick<ParameterSpec, "choices">): "number" | "text" {
  const choices = spec.choices ?? [];
  return choices.length > 0 && choices.every((c) => isNumber(c.trim())) ? "number" : "text";
}

/** A value as a result's "Ran with" line shows it. */
export function formatParameterValue(spec: Pick<ParameterSpec, "value">): string {
  return Array.isArray(spec.value) ? spec.value.join(", ") : spec.value;
}
