"use client";

import {
  type ColumnDef,
  type PaginationState,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { useMemo } from "react";
import { columnKind, displayCell, isRightAligned } from "@/lib/results/format";
import type { Cell, ResultColumn, SortSpec } from "@/lib/results/types";

const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });

type Row = Cell[];

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
}

/**
 * One page of a stored result. Paging and sorting happen on the server
 * (manualPagination / manualSorting): the table only ever holds one page.
 */
export function ResultGrid(props: ResultGridProps) {
  const { columns, rows, rowCount, pageIndex, pageSize, sort, canSort, clipped } = props;

  const columnDefs = useMemo<ColumnDef<typeof features, Row>[]>(
    () =>
      columns.map((column, index) => ({
        id: String(index),
        accessorFn: (row: Row) => row[index],
        header: column.name,
        enableSorting: canSort,
      })),
    [columns, canSort],
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

  const kinds = useMemo(() => columns.map((c) => columnKind(c.type)), [columns]);
  const firstRowNumber = props.rowOffset + 1;

  return (
    <div className="grid-scroll">
      <table className="grid" aria-label="Query result" aria-rowcount={rowCount + 1}>
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
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row, r) => (
            <tr key={row.id}>
              <td className="rownum">{(firstRowNumber + r).toLocaleString("en-US")}</td>
              {row.getAllCells().map((cell) => {
                const c = Number(cell.column.id);
                const value = cell.getValue() as Cell;
                const shown = displayCell(value);
                const cut = shown.truncated || clipped.has(`${r}:${c}`);
                const classes = [
                  isRightAligned(kinds[c]) ? "num" : "",
                  shown.isNull ? "null" : "",
                  shown.isEmpty ? "empty" : "",
                ];
                return (
                  <td key={cell.id} className={classes.filter(Boolean).join(" ") || undefined}>
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
          ))}
        </tbody>
      </table>
    </div>
  );
}
