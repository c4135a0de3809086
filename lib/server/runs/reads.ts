import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import type { ChartData } from "@/lib/charts/types";
import type { ChartSpec } from "@/lib/notebooks/types";
import { isFiltered, type ResultFilter } from "@/lib/results/filters";
import type { ColumnProfile } from "@/lib/results/profile";
import type { Cell, Page, SortSpec } from "@/lib/results/types";
import type { Caller } from "../auth/caller";
import { runtime } from "../runtime";
import { stored } from "./access";
import type { RunRecord } from "./catalog";
import { chartData } from "./chart";

export async function readPage(
  actor: Caller,
  id: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
  filter: ResultFilter | null = null,
): Promise<Page> {
  return pageOf(await stored(actor, id), offset, limit, sort, filter);
}

/** A page of a run the caller may read (see `stored`), sorted and filtered as asked. */
export async function pageOf(
  record: RunRecord,
  offset: number,
  limit: number,
  sort: SortSpec | null,
  filter: ResultFilter | null = null,
): Promise<Page> {
  if (sort && record.status === "running")
    throw new UserError("Sorting is available once the query has finished.", "conflict");
  if (isFiltered(filter) && record.status === "running")
    throw new UserError("Filtering is available once the query has finished.", "conflict");
  if (sort && (sort.column < 0 || sort.column >= record.columns.length))
    throw new UserError("There is no such column to sort by.");
  if (record.columns.length === 0) return { offset, rows: [], rowIds: [], clipped: [] };
  const rt = await runtime();
  return rt.store.page(record.id, { offset, limit }, sort, filter);
}

/** How many rows of a run the filter keeps, once they are counted (the first filtered page does not wait for it). */
export async function filteredRows(
  actor: Caller,
  id: string,
  filter: ResultFilter,
  sort: SortSpec | null,
): Promise<number> {
  const record = await stored(actor, id);
  if (record.status === "running")
    throw new UserError("Filtering is available once the query has finished.", "conflict");
  if (record.columns.length === 0) return 0;
  return (await runtime()).store.viewRows(record.id, filter, sort);
}

/** A column's profile over every row of an ended run's stored result. */
export async function readProfile(actor: Caller, id: string, column: number): Promise<ColumnProfile> {
  const record = await stored(actor, id);
  if (record.status === "running") throw new UserError("A column is profiled once the query has finished.", "conflict");
  if (column < 0 || column >= record.columns.length) throw notFoundError();
  return (await runtime()).store.profile(record.id, column);
}

export async function readCell(actor: Caller, id: string, rowId: number, column: number): Promise<Cell> {
  return cellOf(await stored(actor, id), rowId, column);
}

/** One whole cell of a run the caller may read (see `stored`). */
export async function cellOf(record: RunRecord, rowId: number, column: number): Promise<Cell> {
  if (column < 0 || column >= record.columns.length) throw notFoundError();
  return (await runtime()).store.cell(record.id, rowId, column);
}

/** Points to chart a stored result, sampled or aggregated on the server. */
export async function readChart(actor: Caller, id: string, spec: ChartSpec): Promise<ChartData> {
  const record = await stored(actor, id);
  if (record.status === "running") throw new UserError("The chart is drawn once the query has finished.", "conflict");
  return chartData((await runtime()).store, record, spec);
}
