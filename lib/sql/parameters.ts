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
 * Names are ASCII (`[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters) and
 * case-insensitive: `:Day` and `:day` are one parameter, named in lower case.
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

const COLON = 58;

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
  scanTokens(sql, dialect, (kind, start, end) => {
    if (colon >= 0 && start === colon + 1 && kind === "word" && colonAllowed) {
      const name = nameOf(sql, start, end);
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

/** Decimal numbers as SQL writes them: digits, an optional point and exponent; no hex, no Infinity, no NaN. */
export function isNumber(text: string): boolean {
  let i = 0;
  const n = text.length;
  if (n === 0 || n > 100) return false;
  if (text[i] === "+" || text[i] === "-") i++;
  const digitsFrom = () => {
    const from = i;
    while (i < n && text[i] >= "0" && text[i] <= "9") i++;
    return i - from;
  };
  let digits = digitsFrom();
  if (text[i] === ".") {
    i++;
    digits += digitsFrom();
  }
  if (digits === 0) return false;
  if (text[i] === "e" || text[i] === "E") {
    i++;
    if (text[i] === "+" || text[i] === "-") i++;
    if (digitsFrom() === 0) return false;
  }
  return i === n;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export interface TimestampParts extends DateParts {
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

function digitsAt(text: string, start: number, count: number): number | null {
  if (start + count > text.length) return null;
  let out = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    out = out * 10 + (c - 48);
  }
  return out;
}

/** `YYYY-MM-DD`, a day that exists (years 1–9999). */
export function parseDate(text: string): DateParts | null {
  if (text.length !== 10 || text[4] !== "-" || text[7] !== "-") return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year === null || month === null || day === null || year < 1 || month < 1 || month > 12 || day < 1) return null;
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 29 for February in a leap year
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : days)) return null;
  return { year, month, day };
}

/** `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (or `T` between), no time zone: a wall-clock time. */
export function parseTimestamp(text: string): TimestampParts | null {
  if (text.length < 16 || text.length > 26) return null;
  const date = parseDate(text.slice(0, 10));
  if (!date || (text[10] !== " " && text[10] !== "T") || text[13] !== ":") return null;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = 0;
  let micros = 0;
  if (text.length > 16) {
    if (text[16] !== ":") return null;
    const s = digitsAt(text, 17, 2);
    if (s === null) return null;
    second = s;
    if (text.length > 19) {
      if (text[19] !== "." || text.length === 20) return null;
      const fraction = text.slice(20);
      const f = digitsAt(fraction, 0, fraction.length);
      if (f === null) return null;
      micros = f * 10 ** (6 - fraction.length);
    }
  }
  if (hour === null || minute === null || hour > 23 || minute > 59 || second > 59) return null;
  return { ...date, hour, minute, second, micros };
}

/** The type a dropdown's values bind as: numbers when every choice is one, else text. */
export function choiceValueType(spec: Pick<ParameterSpec, "choices">): "number" | "text" {
  const choices = spec.choices ?? [];
  return choices.length > 0 && choices.every((c) => isNumber(c.trim())) ? "number" : "text";
}

/** A statement ready for the engine: its text with markers the engine reads, and their values. */
export interface BoundStatement {
  text: string;
  values: BoundValue[];
  /** Each rewritten marker: where it is in `text` and where it was in the statement, with both lengths. */
  edits: { at: number; length: number; sourceAt: number; sourceLength: number }[];
}

/**
 * The offset in the statement as written of an offset in the bound text (an
 * engine's error position): inside a rewritten marker, the marker's start.
 */
export function sourceOffset(bound: BoundStatement, offset: number): number {
  let shift = 0;
  for (const edit of bound.edits) {
    if (offset < edit.at) break;
    if (offset < edit.at + edit.length) return edit.sourceAt;
    shift = edit.sourceAt + edit.sourceLength - (edit.at + edit.length);
  }
  return offset + shift;
}

/**
 * Rewrites the markers of one statement for the engine — `:name` for
 * Databricks, `$name` for DuckDB, names in lower case — and lists each
 * marker's value. A multi-select's marker becomes one marker per chosen value
 * (`:ids` → `:ids__1, :ids__2`), each bound on its own: values never enter the
 * text. Every name in the statement must have a valid spec (the caller checks).
 */
export function bindStatement(
  text: string,
  dialect: SqlDialect,
  specs: ReadonlyMap<string, ParameterSpec>,
): BoundStatement {
  const markers = findParameterMarkers(text, dialect);
  if (markers.length === 0) return { text, values: [], edits: [] };
  const prefix = dialect === "duckdb" ? "$" : ":";
  const taken = new Set(markers.map((m) => m.name));
  const values = new Map<string, BoundValue>();
  const expanded = new Map<string, string[]>();
  const edits: BoundStatement["edits"] = [];
  let out = "";
  let cursor = 0;
  for (const marker of markers) {
    const spec = specs.get(marker.name);
    if (!spec) throw new Error(`No value for :${marker.name}`);
    let names: string[];
    if (spec.type === "multi") {
      names = expanded.get(marker.name) ?? [];
      if (names.length === 0) {
        const items = spec.value as string[];
        const type = choiceValueType(spec);
        let base = `${marker.name}__`;
        while ([...taken].some((t) => t.startsWith(base))) base += "_";
        items.forEach((item, i) => {
          const name = `${base}${i + 1}`;
          names.push(name);
          values.set(name, { name, type, value: item.trim() === item || type === "text" ? item : item.trim() });
        });
        expanded.set(marker.name, names);
      }
    } else {
      names = [marker.name];
      const type = spec.type === "choice" || spec.type === "query" ? choiceValueType(spec) : spec.type;
      const value = spec.value as string;
      values.set(marker.name, { name: marker.name, type, value: type === "text" ? value : value.trim() });
    }
    out += text.slice(cursor, marker.start);
    const replacement = names.map((n) => prefix + n).join(", ");
    edits.push({
      at: out.length,
      length: replacement.length,
      sourceAt: marker.start,
      sourceLength: marker.end - marker.start,
    });
    out += replacement;
    cursor = marker.end;
  }
  return { text: out + text.slice(cursor), values: [...values.values()], edits };
}

/**
 * How a number's text is bound exactly: an integer that fits in 64 bits as
 * BIGINT, a decimal of at most 38 digits as DECIMAL (its digits and scale),
 * anything else (an exponent, more digits) as DOUBLE.
 */
export type NumberBinding =
  | { kind: "bigint"; value: bigint }
  | { kind: "decimal"; unscaled: bigint; width: number; scale: number }
  | { kind: "double"; value: number };

const INT64_MAX = 2n ** 63n - 1n;

export function numberBinding(text: string): NumberBinding {
  const value = text.trim();
  if (!value.includes("e") && !value.includes("E")) {
    const negative = value.startsWith("-");
    const unsigned = value.replace(/^[+-]/, "");
    const [whole, fraction = ""] = unsigned.split(".");
    const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "") || "0";
    if (fraction === "") {
      const n = BigInt(digits);
      if (n <= INT64_MAX + (negative ? 1n : 0n)) return { kind: "bigint", value: negative ? -n : n };
    }
    if (digits.length <= 38) {
      const n = BigInt(digits);
      return {
        kind: "decimal",
        unscaled: negative ? -n : n,
        width: Math.max(digits.length, fraction.length + 1),
        scale: fraction.length,
      };
    }
  }
  return { kind: "double", value: Number(value) };
}

/** A value as a result's "Ran with" line shows it. */
export function formatParameterValue(spec: Pick<ParameterSpec, "value">): string {
  return Array.isArray(spec.value) ? spec.value.join(", ") : spec.value;
}
