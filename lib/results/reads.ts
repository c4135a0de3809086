import { type ActionResult, failed, UNREACHABLE } from "@/lib/action-result";
import { filterParam, isFiltered, type ResultFilter } from "./filters";
import type { ColumnProfile } from "./profile";
import type { Cell, Page, RunView, SortSpec } from "./types";

/**
 * The browser's reads of a run, through the GET routes under /api/runs/<id>/
 * (app/api/runs/[id]/{page,state,cell}): unlike server actions, which a page
 * sends one at a time, these run side by side, so a page never waits behind
 * the run's long poll or an autosave, and a page of an ended run comes from
 * the browser's cache the second time. Each answers as an action does.
 */

export function readPage(
  runId: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
  filter: ResultFilter | null = null,
) {
  return read<Page>(pageUrl(runId, offset, limit, sort, filter));
}

/** Asks for a page so that the browser has it when it is shown (an ended run's pages are cached). */
export function prefetchPage(
  runId: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
  filter: ResultFilter | null = null,
): void {
  void read<Page>(pageUrl(runId, offset, limit, sort, filter));
}

/** How many rows of an ended run the filter keeps (the server counts them once). */
export function readFilteredRows(runId: string, filter: ResultFilter, sort: SortSpec | null) {
  const query = new URLSearchParams({ filter: filterParam(filter) });
  if (sort) query.set("sort", `${sort.column}:${sort.direction}`);
  return read<number>(`/api/runs/${encodeURIComponent(runId)}/count?${query}`);
}

/** The run's state, waiting up to `waitMs` for news beyond `knownRows` rows (-1: answer at once). */
export function readRunState(runId: string, knownRows: number, waitMs: number) {
  return read<RunView>(
    `/api/runs/${encodeURIComponent(runId)}/state?${new URLSearchParams({ known: `${knownRows}`, wait: `${waitMs}` })}`,
  );
}

/** A column's profile over every stored row of an ended run. */
export function readProfile(runId: string, column: number) {
  return read<ColumnProfile>(
    `/api/runs/${encodeURIComponent(runId)}/profile?${new URLSearchParams({ column: `${column}` })}`,
  );
}

/** One whole cell (a page cuts long values), by the row's id in the stored result. */
export function readCell(runId: string, rowId: number, column: number) {
  return read<Cell>(
    `/api/runs/${encodeURIComponent(runId)}/cell?${new URLSearchParams({ row: `${rowId}`, column: `${column}` })}`,
  );
}

function pageUrl(
  runId: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
  filter: ResultFilter | null,
): string {
  const query = new URLSearchParams({ offset: `${offset}`, limit: `${limit}` });
  if (sort) query.set("sort", `${sort.column}:${sort.direction}`);
  if (isFiltered(filter)) query.set("filter", filterParam(filter));
  return `/api/runs/${encodeURIComponent(runId)}/page?${query}`;
}

async function read<T>(url: string): Promise<ActionResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch {
    return failed(UNREACHABLE, "internal");
  }
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json"))
    return failed(`The server answered with HTTP ${response.status}. Try again in a moment.`, "internal");
  try {
    return (await response.json()) as ActionResult<T>;
  } catch {
    return failed(UNREACHABLE, "internal");
  }
}
