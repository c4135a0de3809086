"use client";

import type { KeyboardEvent } from "react";
import type { CellKind, NotebookCell } from "@/lib/notebooks/types";

/**
 * Command mode, as in Jupyter: with a cell selected but not being edited,
 * single keys act on cells. Keys typed inside an editor, a field or a menu
 * are left alone.
 */
export function useCommandKeys(options: {
  cells: NotebookCell[];
  canEdit: boolean;
  select(selection: { id: string | null; editing: boolean }): void;
  add(kind: CellKind, index: number): void;
  run(cell: NotebookCell, advance: boolean): void;
  changeKind(cell: NotebookCell, kind: CellKind): void;
}) {
  return (event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    // Only keys pressed on a cell itself (its frame has the focus) are commands.
    if (!target.matches("section.nb-cell")) return;
    const { cells, canEdit } = options;
    const index = cells.findIndex((c) => c.id === target.dataset.cellId);
    const cell = cells[index];
    if (!cell || event.altKey) return;
    const key = event.key;
    const handled = () => event.preventDefault();
    if (key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      handled();
      options.run(cell, event.shiftKey);
    } else if (event.ctrlKey || event.metaKey) {
      return;
    } else if (key === "Enter") {
      handled();
      if (canEdit) options.select({ id: cell.id, editing: true });
    } else if (key === "ArrowUp" || key === "k") {
      handled();
      if (index > 0) options.select({ id: cells[index - 1].id, editing: false });
    } else if (key === "ArrowDown" || key === "j") {
      handled();
      if (index < cells.length - 1) options.select({ id: cells[index + 1].id, editing: false });
    } else if (canEdit && (key === "a" || key === "b")) {
      handled();
      options.add("sql", key === "a" ? index : index + 1);
    } else if (canEdit && (key === "m" || key === "y")) {
      handled();
      options.changeKind(cell, key === "m" ? "markdown" : "sql");
    }
  };
}
