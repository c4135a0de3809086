import type { Cell } from "@/lib/results/types";

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

/** A download's file name: the query's first words, safe for any file system. */
export function csvFileName(sql: string, now: Date): string {
  const words = sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ")
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
