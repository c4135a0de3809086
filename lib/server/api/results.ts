import "server-only";
import { notFoundError } from "@/lib/action-result";
import { type ExportOptions, exportFileName, FORMAT_INFO } from "@/lib/exports/formats";
import type { User } from "../db/schema";
import { readable } from "../runs/access";
import { storedArrow, storedExport } from "../runs/exports";
import { API_FORMATS, type ApiFormat, MAX_JSON_LIMIT } from "./formats";
import { ApiProblem } from "./route";

/** A run's result as a file (`results.<format>`), streamed from the result store. */

/** The media type of an Arrow IPC stream. */
const ARROW_STREAM = "application/vnd.apache.arrow.stream";

/** `results.csv` → "csv"; anything else is a 404, as a path that does not exist. */
export function resultFormat(file: string | undefined): ApiFormat {
  const match = file?.startsWith("results.") ? file.slice("results.".length) : null;
  if (!match || !(API_FORMATS as readonly string[]).includes(match)) throw notFoundError();
  return match as ApiFormat;
}

/** A run's stored result as a streamed body in `format`, for the API. */
export async function resultBody(
  user: User,
  runId: string,
  format: ApiFormat,
  url: URL,
): Promise<{ body: ReadableStream<Uint8Array>; headers: Record<string, string>; rows: number }> {
  const offset = url.searchParams.get("offset");
  const limit = url.searchParams.get("limit");
  if ((offset !== null || limit !== null) && format !== "json")
    throw new ApiProblem(400, "offset and limit apply to results.json; other formats send the whole result.");
  const record = await readable(user, runId);
  if (record.status === "running")
    throw new ApiProblem(409, "The run has not ended yet. Wait for it with GET /api/v1/runs/{id}?wait=30.");
  if (record.status !== "succeeded")
    throw new ApiProblem(409, `The run ${record.status === "failed" ? "failed" : "was cancelled"}; it has no result.`);
  const name = exportFileName(record.sql, record.startedAt, "csv").slice(0, -".csv".length);
  const headers: Record<string, string> = {
    "Content-Type": format === "arrow" ? ARROW_STREAM : FORMAT_INFO[format].contentType,
    "Content-Disposition": `attachment; filename="${name}.${format === "arrow" ? "arrows" : FORMAT_INFO[format].extension}"`,
    "Cache-Control": "no-store, no-transform",
    "X-Content-Type-Options": "nosniff",
    "Lakebook-Run": record.id,
    "Lakebook-Rows": String(record.rowCount),
    "Lakebook-Truncated": String(record.truncated),
  };
  const range =
    offset !== null || limit !== null
      ? {
          offset: wholeNumber(offset ?? "0", "offset", Number.MAX_SAFE_INTEGER),
          limit: wholeNumber(limit ?? String(MAX_JSON_LIMIT), "limit", MAX_JSON_LIMIT),
        }
      : null;
  if (format === "arrow") {
    if (range)
      throw new ApiProblem(400, "offset and limit apply to results.json; other formats send the whole result.");
    return { body: (await storedArrow(user, record.id)).body, headers, rows: record.rowCount };
  }
  const options: ExportOptions = { format, bom: false, safe: false };
  const { body } = await storedExport(user, record.id, options, null, null, range);
  const rows = range ? Math.max(0, Math.min(range.limit, record.rowCount - range.offset)) : record.rowCount;
  return { body, headers, rows };
}

function wholeNumber(text: string, name: string, max: number): number {
  if (!/^\d{1,16}$/.test(text) || Number(text) > max)
    throw new ApiProblem(400, `${name} must be a whole number from 0 to ${max.toLocaleString("en-US")}.`);
  return Number(text);
}
