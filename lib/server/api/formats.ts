import type { ExportFormat } from "@/lib/exports/formats";

/** What the API serves a result as: the browser's export formats but Excel, and Arrow IPC. */
export const API_FORMATS = ["csv", "tsv", "json", "ndjson", "parquet", "arrow"] as const satisfies readonly (
  | ExportFormat
  | "arrow"
)[];
export type ApiFormat = (typeof API_FORMATS)[number];

/** Longest `?wait=` of a run's status. */
export const MAX_WAIT_SECONDS = 60;
/** Most rows one JSON read with `limit` returns. */
export const MAX_JSON_LIMIT = 10_000;
