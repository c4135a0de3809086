import type { Cell } from "@/lib/results/types";
import { scanTokens } from "@/lib/sql/tokens";

/**
 * RFC 4180 field encoding, as DuckDB's CSV writer does it for result rows:
 * quote a field that holds a comma, quote, CR or LF (doubling quotes inside),
 * write NULL as an empty field and the empty string as "" so the two differ.
 */
export function csvField(value: Cell): string {
  if (value === null) return "";
  if (value === "") return '""';
  if (/[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

export function csvLine(values: readonly Cell[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** How much of the query's text, comments left out, a file name is made from. */
const NAME_SOURCE_CHARS = 200;

/**
 * A download's file name: the query's first words, safe for any file system.
 * Reads at most the first 200 characters outside comments, in one pass over the
 * tokens, so a huge statement costs no more than a small one.
 */
export function csvFileName(sql: string, now: Date): string {
  let source = "";
  scanTokens(sql, "duckdb", (kind, start, end) => {
    source += kind === "comment" ? " " : sql.slice(start, Math.min(end, start + NAME_SOURCE_CHARS - source.length));
    return source.length < NAME_SOURCE_CHARS;
  });
  const words = source
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${words || "result"}_${stamp}.csv`;
}
