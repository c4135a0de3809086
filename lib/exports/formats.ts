import { csvFileName } from "@/lib/csv";

/** The formats a result downloads in; the first is the default. */
export const EXPORT_FORMATS = ["csv", "tsv", "json", "ndjson", "parquet", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** CSV/TSV: start with a UTF-8 byte-order mark, so Excel reads non-ASCII text as UTF-8. */
  bom: boolean;
  /** CSV/TSV: text cells starting with = + - @ tab or CR get a leading ' so a spreadsheet never runs them. */
  safe: boolean;
}

interface FormatInfo {
  label: string;
  extension: string;
  contentType: string;
}

export const FORMAT_INFO: Record<ExportFormat, FormatInfo> = {
  csv: { label: "CSV", extension: "csv", contentType: "text/csv; charset=utf-8" },
  tsv: { label: "TSV", extension: "tsv", contentType: "text/tab-separated-values; charset=utf-8" },
  json: { label: "JSON", extension: "json", contentType: "application/json; charset=utf-8" },
  ndjson: { label: "NDJSON", extension: "ndjson", contentType: "application/x-ndjson; charset=utf-8" },
  parquet: { label: "Parquet", extension: "parquet", contentType: "application/vnd.apache.parquet" },
  xlsx: {
    label: "Excel (.xlsx)",
    extension: "xlsx",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  },
};

/** Rows of data an Excel sheet holds under its header row (Excel's limit is 1,048,576 rows). */
export const XLSX_MAX_ROWS = 1_048_575;
/** Characters Excel keeps in one cell. */
export const XLSX_MAX_CELL_CHARS = 32_767;

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === "string" && (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * A download's options from its query string: `format` (csv when absent;
 * anything else not ours is refused), `bom=1` and `safe=1` for CSV and TSV.
 */
export function exportOptions(params: URLSearchParams): ExportOptions | null {
  const format = params.get("format") ?? "csv";
  if (!isExportFormat(format)) return null;
  const text = format === "csv" || format === "tsv";
  return { format, bom: text && params.get("bom") === "1", safe: text && params.get("safe") === "1" };
}

/** The query string of a download with these options (the inverse of `exportOptions`). */
export function exportQuery(options: ExportOptions): string {
  const params = new URLSearchParams({ format: options.format });
  if (options.bom) params.set("bom", "1");
  if (options.safe) params.set("safe", "1");
  return params.toString();
}

/** A download's file name: the query's first words, a time stamp and the format's extension. */
export function exportFileName(sql: string, now: Date, format: ExportFormat): string {
  return `${csvFileName(sql, now).slice(0, -".csv".length)}.${FORMAT_INFO[format].extension}`;
}
