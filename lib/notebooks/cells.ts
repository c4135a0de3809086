import type { CellKind, NotebookCell } from "./types";

/** Pure edits of a notebook's cell list; each returns a new list. */

export function newCell(kind: CellKind, source = "", id: string = crypto.randomUUID()): NotebookCell {
  return { id, kind, source, connectionId: null, chart: null };
}

export function insertCell(cells: NotebookCell[], index: number, cell: NotebookCell): NotebookCell[] {
  const at = Math.max(0, Math.min(cells.length, index));
  return [...cells.slice(0, at), cell, ...cells.slice(at)];
}

/** Moves a cell by `delta` places; a move past either end leaves the list as it is. */
export function moveCell(cells: NotebookCell[], id: string, delta: number): NotebookCell[] {
  const from = cells.findIndex((c) => c.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= cells.length) return cells;
  const out = [...cells];
  const [cell] = out.splice(from, 1);
  out.splice(to, 0, cell);
  return out;
}

/** A copy of the cell right below it, with a new id and no result. */
export function duplicateCell(cells: NotebookCell[], id: string, newId: string = crypto.randomUUID()): NotebookCell[] {
  const index = cells.findIndex((c) => c.id === id);
  if (index < 0) return cells;
  return insertCell(cells, index + 1, { ...cells[index], id: newId });
}

export function removeCell(cells: NotebookCell[], id: string): NotebookCell[] {
  return cells.filter((c) => c.id !== id);
}

export function updateCell(
  cells: NotebookCell[],
  id: string,
  change: Partial<Omit<NotebookCell, "id">>,
): NotebookCell[] {
  return cells.map((c) => (c.id === id ? { ...c, ...change } : c));
}

/** Changing a cell's kind keeps its text; a Markdown cell has no connection or chart. */
export function changeKind(cells: NotebookCell[], id: string, kind: CellKind): NotebookCell[] {
  return updateCell(cells, id, kind === "markdown" ? { kind, connectionId: null, chart: null } : { kind });
}

/** The SQL cells a "run all / above / below" covers, in order. */
export function cellsToRun(cells: NotebookCell[], scope: "all" | "above" | "below", fromId?: string): NotebookCell[] {
  const index = fromId ? cells.findIndex((c) => c.id === fromId) : -1;
  const range = scope === "all" || index < 0 ? cells : scope === "above" ? cells.slice(0, index) : cells.slice(index);
  return range.filter((c) => c.kind === "sql" && c.source.trim() !== "");
}
