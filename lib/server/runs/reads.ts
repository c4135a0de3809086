import "server-only";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import type { ChartData } from "@/lib/charts/types";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { Cell, Page, SortSpec } from "@/lib/results/types";
import { runtime } from "../runtime";
import { type Actor, stored } from "./access";
import { chartData } from "./chart";

export async function readPage(
  actor: Actor,
  id: string,
  offset: number,
  limit: number,
  sort: SortSpec | null,
): Promise<Page> {
  const record = await stored(actor, id);
  if (sort && record.status === "running") throw new UserError("Sorting is available once the query has finished.");
  if (sort && (sort.column < 0 || sort.column >= record.columns.length))
    throw new UserError("There is no such column to sort by.");
  if (record.columns.length === 0) return { offset, rows: [], rowIds: [], clipped: [] };
  const rt = await runtime();
  return rt.store.page(id, record.columns.length, { offset, limit }, sort);
}

export async function readCell(actor: Actor, id: string, rowId: number, column: number): Promise<Cell> {
  const record = await stored(actor, id);
  if (column < 0 || column >= record.columns.length) throw new UserError(NOT_FOUND);
  return (await runtime()).store.cell(id, rowId, column);
}

/** Points to chart a stored result, sampled or aggregated on the server. */
export async function readChart(actor: Actor, id: string, spec: ChartSpec): Promise<ChartData> {
  const record = await stored(actor, id);
  if (record.status === "running") throw new UserError("The chart is drawn once the query has finished.");
  return chartData((await runtime()).store, record, spec);
}
