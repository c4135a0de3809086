import { csvLine } from "@/lib/csv";
import type { ExportOptions } from "./formats";

const BOM = "\uFEFF";

/** A TSV field as DuckDB's writer (delimiter tab) writes it: quoted when it holds a tab, quote, CR or LF. */
function tsvField(value: string): string {
  return /[\t"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * What a download starts with before its rows: the header row of CSV and TSV
 * (after a byte-order mark when asked), `[` of a JSON array, nothing else.
 */
export function exportHead(names: readonly string[], options: ExportOptions): string {
  const bom = options.bom ? BOM : "";
  switch (options.format) {
    case "csv":
      return bom + csvLine(names);
    case "tsv":
      return `${bom + names.map(tsvField).join("\t")}\n`;
    case "json":
      return "[\n";
    default:
      return "";
  }
}
