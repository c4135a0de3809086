"use client";

import {
  type CellSelectionDirection,
  type ColumnDef,
  cellSelectionFeature,
  columnResizingFeature,
  columnSizingFeature,
  type PaginationState,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  type ClipboardEvent,
  type KeyboardEvent,
  type Ref,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
} from "react";
import { toMarkdown, toTsv } from "@/lib/results/copy";
import { columnKind, displayCell, isRightAligned } from "@/lib/results/format";
import type { Cell, ResultColumn, SortSpec } from "@/lib/results/types";

const features = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  cellSelectionFeature,
  columnSizingFeature,
  columnResizingFeature,
});

type Row = Cell[];

/** Every row of the grid is this tall (one line; longer values open in a dialog). */
const ROW_HEIGHT = 22;
/** Rows drawn beyond the visible ones, above and below. */
const OVERSCAN = 12;
const ARROWS: Record<string, CellSelectionDirection> = {
  ArrowUp: "up",
  ArrowDown: "down",
  ArrowLeft: "left",
  ArrowRight: "right",
};

export interface ResultGridProps {
  columns: ResultColumn[];
  rows: Row[];
  rowCount: number;
  /** Position of the first row shown, for row numbers (follows the data, not the pager). */
  rowOffset: number;
  pageIndex: number;
  pageSize: number;
  sort: SortSpec | null;
  /** Sorting needs the complete result, so it is offered once the run has ended. */
  canSort: boolean;
  onPaginationChange(pagination: PaginationState): void;
  onSortChange(sort: SortSpec | null): void;
  onOpenCell(rowIndex: number, columnIndex: number): void;
  /** `rowIndex:columnIndex` of cells whose value was cut for transport. */
  clipped: Set<string>;
  /** Offered once the run has ended: opens a column's filter under its button. */
  onFilterColumn?(column: number, button: HTMLElement): void;
  /** Columns with a filter in force. */
  filteredColumns?: ReadonlySet<number>;
  /** The whole value of a cell the page cut, for copying it. */
  fullCell(rowIndex: number, columnIndex: number): Promise<Cell>;
  /** Tells what a copy did ("Copied 12 cells"), or why it could not. */
  onCopied(message: string): void;
}

/** What the grid's copy buttons call. */
export interface GridCopy {
  /** The selection (or, with nothing selected, the page) as TSV with a header row, or as Markdown. */
  copy(format: "tsv" | "markdown"): Promise<void>;
}

/**
 * One page of a stored result. Paging and sorting happen on the server
 * (manualPagination / manualSorting): the table only ever holds one page, and
 * only its visible rows are drawn (a 1,000-row page scrolls like a 10-row
 * one). Cells are selected like a spreadsheet's — click, shift-click, drag,
 * arrows, shift-arrows, Ctrl/Cmd+A — and copied with Ctrl/Cmd+C as TSV;
 * columns resize from the edge of their header.
 */
export function ResultGrid(props: ResultGridProps & { copyRef?: Ref<GridCopy> }) {
  const { columns, rows, rowCount, pageIndex, pageSize, sort, canSort, clipped } = props;
  const kinds = useMemo(() => columns.map((c) => columnKind(c.type)), [columns]);
  // Widths come from the names and the first rows seen, once per result's columns: paging does not make columns jump.
  const firstRows = useRef<{ columns: ResultColumn[]; rows: Row[] } | null>(null);
  if (firstRows.current?.columns !== columns) firstRows.current = { columns, rows };
  const sample = firstRows.current.rows;

  const columnDefs = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      columns.map((column, index) => ({
        id: String(index),
        accessorFn: (row: Row) => row[index],
        header: column.name,
        enableSorting: canSort,
        size: initialWidth(column, index, sample),
        minSize: 48,
        maxSize: 2000,
      })),
    [columns, canSort, sample],
  );

  const sorting: SortingState = sort ? [{ id: String(sort.column), desc: sort.direction === "desc" }] : [];
  const table = useTable({
    features,
    columns: columnDefs,
    data: rows,
    rowCount,
    manualPagination: true,
    manualSorting: true,
    enableMultiSort: false,
    columnResizeMode: "onChange",
    state: { pagination: { pageIndex, pageSize }, sorting },
    onPaginationChange: (updater) => {
      const next = typeof updater === "function" ? updater({ pageIndex, pageSize }) : updater;
      props.onPaginationChange(next);
    },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      props.onSortChange(first ? { column: Number(first.id), direction: first.desc ? "desc" : "asc" } : null);
    },
  });

  const scroller = useRef<HTMLDivElement>(null);
  const modelRows = table.getRowModel().rows;
  const virtual = useVirtualizer({
    count: modelRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtual.getVirtualItems();
  const before = items.length > 0 ? items[0].start : 0;
  const after = items.length > 0 ? virtual.getTotalSize() - items[items.length - 1].end : 0;

  // The focused cell follows the keyboard into view and takes focus (roving tabindex).
  const focused = table.getFocusedCell();
  const focusedRow = focused ? modelRows.findIndex((r) => r.id === focused.row.id) : -1;
  const focusedColumn = focused ? Number(focused.column.id) : -1;
  const keyboard = useRef(false);
  useEffect(() => {
    if (!keyboard.current || focusedRow < 0) return;
    keyboard.current = false;
    virtual.scrollToIndex(focusedRow, { align: "auto" });
    requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLElement>(`td[data-cell="${focusedRow}:${focusedColumn}"]`)?.focus(),
    );
  }, [focusedRow, focusedColumn, virtual]);

  /** The selected rectangles' values (whole values, fetched for cut cells) with their column names. */
  async function selection(): Promise<{ header: string[]; rows: Cell[][] }[]> {
    const bounds = table.getCellSelectionBounds();
    const regions = bounds.length > 0 ? bounds : [allOf(modelRows.length, columns.length)];
    return Promise.all(
      regions.map(async (b) => {
        const header = columns.slice(b.minColumnIndex, b.maxColumnIndex + 1).map((c) => c.name);
        const values: Cell[][] = [];
        for (let r = b.minRowIndex; r <= b.maxRowIndex; r++) {
          const row: Cell[] = [];
          for (let c = b.minColumnIndex; c <= b.maxColumnIndex; c++)
            row.push(clipped.has(`${r}:${c}`) ? await props.fullCell(r, c) : (rows[r]?.[c] ?? null));
          values.push(row);
        }
        return { header, rows: values };
      }),
    );
  }

  async function copy(format: "tsv" | "markdown" | "values"): Promise<void> {
    try {
      const regions = await selection();
      const text = regions
        .map((r) =>
          format === "markdown" ? toMarkdown(r.header, r.rows) : toTsv(r.rows, format === "tsv" ? r.header : undefined),
        )
        .join("\n\n");
      await navigator.clipboard.writeText(text);
      const cells = regions.reduce((n, r) => n + r.rows.length * r.header.length, 0);
      props.onCopied(`Copied ${cells.toLocaleString("en-US")} ${cells === 1 ? "cell" : "cells"}.`);
    } catch {
      props.onCopied("The browser did not allow copying: select the cells and press Ctrl+C (⌘C).");
    }
  }

  useImperativeHandle(props.copyRef, () => ({ copy }));

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const direction = ARROWS[event.key];
    if (direction) {
      event.preventDefault();
      keyboard.current = true;
      if (event.shiftKey) table.extendCellSelection(direction);
      else table.moveCellSelection(direction);
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "a") {
      event.preventDefault();
      table.selectAllCells();
    } else if (event.key === "Escape") {
      table.resetCellSelection(true);
    } else if (event.key === "Enter" && focusedRow >= 0) {
      event.preventDefault();
      props.onOpenCell(focusedRow, focusedColumn);
    }
  }

  /** Ctrl/Cmd+C: the selection's values as TSV (the copy event works where the async clipboard does not). */
  function onCopy(event: ClipboardEvent<HTMLDivElement>) {
    if (table.getSelectedCellCount() === 0 || window.getSelection()?.toString()) return;
    event.preventDefault();
    const cut = table.getCellSelectionBounds().some((b) => {
      for (let r = b.minRowIndex; r <= b.maxRowIndex; r++)
        for (let c = b.minColumnIndex; c <= b.maxColumnIndex; c++) if (clipped.has(`${r}:${c}`)) return true;
      return false;
    });
    if (cut) {
      // A cut value must be fetched whole first: the clipboard is written once it is here.
      void copy("values");
      return;
    }
    const regions = table
      .getCellSelectionBounds()
      .map((b) =>
        rows.slice(b.minRowIndex, b.maxRowIndex + 1).map((row) => row.slice(b.minColumnIndex, b.maxColumnIndex + 1)),
      );
    event.clipboardData.setData("text/plain", regions.map((r) => toTsv(r)).join("\n\n"));
    const cells = table.getSelectedCellCount();
    props.onCopied(`Copied ${cells.toLocaleString("en-US")} ${cells === 1 ? "cell" : "cells"}.`);
  }

  const firstRowNumber = props.rowOffset + 1;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the grid's keys (arrows, Ctrl+C) reach the scroller from the focused cell inside it.
    <div
      className="grid-scroll"
      ref={scroller}
      onKeyDown={onKeyDown}
      onCopy={onCopy}
      // Reachable with Tab until a cell has the focus; then the focused cell is (roving tabindex).
      tabIndex={focused ? -1 : 0}
    >
      <table
        className="grid"
        aria-label="Query result"
        aria-rowcount={rowCount + 1}
        aria-multiselectable
        data-page-rows={rows.length}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: WAI-ARIA's grid pattern puts role="grid" on a table whose cells can be selected.
        role="grid"
        style={{ width: table.getTotalSize() + ROWNUM_WIDTH }}
      >
        <colgroup>
          <col style={{ width: ROWNUM_WIDTH }} />
          {table.getAllLeafColumns().map((column) => (
            <col key={column.id} style={{ width: column.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              <th className="rownum" scope="col" aria-label="Row number">
                #
              </th>
              {group.headers.map((header) => {
                const index = Number(header.column.id);
                const sorted = header.column.getIsSorted();
                const column = columns[index];
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={isRightAligned(kinds[index]) ? "num" : undefined}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                  >
                    <button
                      type="button"
                      className="colhead"
                      disabled={!canSort}
                      onClick={header.column.getToggleSortingHandler()}
                      title={canSort ? `Sort by ${column.name}` : "Sorting is available when the query has finished"}
                    >
                      <span className="colname">{column.name}</span>
                      <span className="coltype">{column.type}</span>
                      <span className="sortmark" aria-hidden>
                        {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : ""}
                      </span>
                    </button>
                    {props.onFilterColumn && (
                      <button
                        type="button"
                        className={`colfilter${props.filteredColumns?.has(index) ? " active" : ""}`}
                        aria-label={`Filter ${column.name}`}
                        title={`Filter ${column.name}`}
                        onClick={(event) => props.onFilterColumn?.(index, event.currentTarget)}
                      >
                        <svg viewBox="0 0 16 16" width="10" height="10" aria-hidden focusable="false">
                          <path d="M1 2h14l-5.5 6.5V14l-3-1.5V8.5z" fill="currentColor" />
                        </svg>
                      </button>
                    )}
                    {/* biome-ignore lint/a11y/noStaticElementInteractions: a pointer handle; the width also follows the column's content. */}
                    <div
                      className={`col-resizer${header.column.getIsResizing() ? " resizing" : ""}`}
                      onMouseDown={header.getResizeHandler()}
                      onTouchStart={header.getResizeHandler()}
                      onDoubleClick={() => header.column.resetSize()}
                      title={`Drag to resize ${column.name}; double-click to reset`}
                    />
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden className="spacer-row">
              <td style={{ height: before }} colSpan={columns.length + 1} />
            </tr>
          )}
          {items.map((item) => {
            const row = modelRows[item.index];
            const r = item.index;
            return (
              <tr key={row.id} aria-rowindex={r + 2} style={{ height: ROW_HEIGHT }}>
                <td className="rownum">{(firstRowNumber + r).toLocaleString("en-US")}</td>
                {row.getAllCells().map((cell) => {
                  const c = Number(cell.column.id);
                  const value = cell.getValue() as Cell;
                  const shown = displayCell(value);
                  const cut = shown.truncated || clipped.has(`${r}:${c}`);
                  const selected = cell.getIsSelected();
                  const edges = selected ? cell.getSelectionEdges() : null;
                  const classes = [
                    isRightAligned(kinds[c]) ? "num" : "",
                    shown.isNull ? "null" : "",
                    shown.isEmpty ? "empty" : "",
                    selected ? "selected" : "",
                    edges?.top ? "edge-top" : "",
                    edges?.bottom ? "edge-bottom" : "",
                    edges?.left ? "edge-left" : "",
                    edges?.right ? "edge-right" : "",
                    cell.getIsFocused() ? "focused" : "",
                  ];
                  return (
                    <td
                      key={cell.id}
                      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a cell of WAI-ARIA's grid pattern, selectable.
                      role="gridcell"
                      data-cell={`${r}:${c}`}
                      className={classes.filter(Boolean).join(" ") || undefined}
                      aria-selected={selected}
                      tabIndex={cell.getTabIndex()}
                      onMouseDown={(event) => {
                        if (event.button === 0 && !(event.target as HTMLElement).closest("button"))
                          cell.getSelectionStartHandler()(event);
                      }}
                      onMouseEnter={cell.getSelectionExtendHandler()}
                    >
                      <div className="cell">
                        {shown.isEmpty ? (
                          <span title="empty string">
                            <span className="sr-only">empty string</span>
                          </span>
                        ) : (
                          <span className="cell-text">{shown.text}</span>
                        )}
                        {cut && (
                          <button
                            type="button"
                            className="more"
                            onClick={() => props.onOpenCell(r, c)}
                            aria-label={`Show full value of ${columns[c].name}`}
                          >
                            …
                          </button>
                        )}
                      </div>
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {after > 0 && (
            <tr aria-hidden className="spacer-row">
              <td style={{ height: after }} colSpan={columns.length + 1} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The row-number column. */
const ROWNUM_WIDTH = 64;
/** Pixels per character of the grid's monospace text, and the cell's padding and header buttons. */
const CHAR_PX = 7.6;
const PADDING_PX = 40;

/** A column's starting width: its name, its type and its first values, within bounds. */
function initialWidth(column: ResultColumn, index: number, rows: Row[]): number {
  let chars = Math.max(column.name.length, column.type.length);
  for (let r = 0; r < Math.min(rows.length, 50); r++)
    chars = Math.max(chars, Math.min(rows[r][index]?.length ?? 4, 60));
  return Math.round(Math.min(Math.max(chars * CHAR_PX + PADDING_PX, 72), 480));
}

function allOf(rowCount: number, columnCount: number) {
  return { minRowIndex: 0, maxRowIndex: rowCount - 1, minColumnIndex: 0, maxColumnIndex: columnCount - 1 };
}
