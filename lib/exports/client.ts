import { type ActionResult, failed, UNREACHABLE } from "@/lib/action-result";
import { filterParam, isFiltered, type ResultFilter } from "@/lib/results/filters";
import type { SortSpec } from "@/lib/results/types";
import { type ExportOptions, exportQuery } from "./formats";
import type { DownloadProgressView } from "./progress";

/**
 * A fresh id for a download the page starts: random, so the page alone can
 * ask about it. `getRandomValues`, not `randomUUID`: the latter exists only on
 * HTTPS or localhost, and a team's server may be plain HTTP on its network.
 */
export function newDownloadId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The address of a run's export in these options (every row: `all`), tracked under `downloadId` when given. */
export function exportUrl(
  runId: string,
  options: ExportOptions,
  {
    downloadId,
    all = false,
    view = null,
  }: { downloadId?: string; all?: boolean; view?: { filter: ResultFilter; sort: SortSpec | null } | null } = {},
): string {
  const params = new URLSearchParams(exportQuery(options));
  if (all) params.set("all", "1");
  if (view && isFiltered(view.filter)) params.set("filter", filterParam(view.filter));
  if (view?.sort) params.set("sort", `${view.sort.column}:${view.sort.direction}`);
  if (downloadId) params.set("download", downloadId);
  return `/api/runs/${encodeURIComponent(runId)}/export?${params}`;
}

/** How far a download got (GET /api/downloads/<id>). */
export function readDownload(id: string): Promise<ActionResult<DownloadProgressView>> {
  return call(id, "GET");
}

/** Cancels a download (DELETE /api/downloads/<id>). */
export function cancelDownload(id: string): Promise<ActionResult<DownloadProgressView>> {
  return call(id, "DELETE");
}

async function call(id: string, method: "GET" | "DELETE"): Promise<ActionResult<DownloadProgressView>> {
  let response: Response;
  try {
    response = await fetch(`/api/downloads/${encodeURIComponent(id)}`, {
      method,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return failed(UNREACHABLE, "internal");
  }
  try {
    return (await response.json()) as ActionResult<DownloadProgressView>;
  } catch {
    return failed(`The server answered with HTTP ${response.status}.`, "internal");
  }
}

/** Bytes for people: 0 B, 12.3 KB, 4.5 MB, 1.2 GB (decimal units, as browsers show downloads). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
