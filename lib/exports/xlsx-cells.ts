import { XLSX_MAX_CELL_CHARS } from "./formats";

/** How a column's values become Excel cells. */
export type CellKind = "boolean" | "number" | "exact" | "text";

/**
 * A column's cell kind from its DuckDB type's name: booleans; numbers a
 * double holds exactly (32-bit integers, FLOAT, DOUBLE); BIGINT, HUGEINT and
 * DECIMAL, which become numbers only when Excel keeps every digit; anything
 * else (dates, timestamps, intervals, lists, …) as DuckDB's exact text.
 */
export function cellKind(type: string): CellKind {
  if (type === "BOOLEAN") return "boolean";
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|FLOAT|DOUBLE)$/.test(type)) return "number";
  if (/^(U?BIGINT|U?HUGEINT|DECIMAL\(\d+,\d+\))$/.test(type)) return "exact";
  return "text";
}

/** Excel keeps 15 significant digits of a number; a value with more is written as text so no digit is lost. */
const EXCEL_DIGITS = 15;

function significantDigits(text: string): number {
  const digits = text.replace(/^[-+]/, "").replace(".", "").replace(/^0+/, "");
  // Trailing zeros of a decimal's fraction, or of a whole number, carry no precision.
  return digits.replace(/0+$/, "").length;
}

// Characters XML 1.0 cannot carry (and CR, which an XML reader turns into LF), and text that already reads as OOXML's escape for them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
const NOT_IN_XML = /[\u0000-\u0008\u000b-\u001f\ufffe\uffff]/g;
const LOOKS_ESCAPED = /_(x[0-9A-Fa-f]{4}_)/g;

/**
 * Text as an Excel cell holds it: control characters and CR as OOXML's `_xHHHH_`
 * escape (which Excel shows as the character; an XML file cannot hold them
 * raw), text that already reads as such an escape escaped itself
 * (`_x005F_`), and cut to Excel's 32,767 characters (`cut` says so).
 */
export function excelText(value: string): { text: string; cut: boolean } {
  const cut = value.length > XLSX_MAX_CELL_CHARS;
  const kept = cut ? value.slice(0, XLSX_MAX_CELL_CHARS) : value;
  const text = kept
    .replace(LOOKS_ESCAPED, "_x005F_$1")
    .replace(NOT_IN_XML, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`);
  return { text, cut };
}

/** Undoes `excelText`'s escapes, as Excel does when it reads a cell. */
export function excelUnescape(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * One value (DuckDB's text of it, or null) as an Excel cell value: a number
 * only when the number is exactly the value, else the text.
 */
export function excelCell(
  kind: CellKind,
  value: string | null,
): { value: string | number | boolean | null; cut: boolean } {
  if (value === null) return { value: null, cut: false };
  switch (kind) {
    case "boolean":
      return { value: value === "true", cut: false };
    case "number": {
      const n = Number(value);
      // inf and nan have no Excel number.
      return Number.isFinite(n) ? { value: n, cut: false } : { value, cut: false };
    }
    case "exact":
      return significantDigits(value) <= EXCEL_DIGITS ? { value: Number(value), cut: false } : { value, cut: false };
    case "text": {
      const { text, cut } = excelText(value);
      return { value: text, cut };
    }
  }
}
