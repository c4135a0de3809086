"use client";

import { useEffect, useState } from "react";
import { clampPage, PAGE_SIZES, type PageSize, pageCount, parsePageInput, rowRangeLabel } from "@/lib/results/paging";

export interface PaginationProps {
  pageIndex: number;
  pageSize: PageSize;
  rowCount: number;
  busy: boolean;
  onChange(pageIndex: number, pageSize: PageSize): void;
}

export function Pagination({ pageIndex, pageSize, rowCount, busy, onChange }: PaginationProps) {
  const pages = pageCount(rowCount, pageSize);
  const [typed, setTyped] = useState(String(pageIndex + 1));
  useEffect(() => setTyped(String(pageIndex + 1)), [pageIndex]);

  const go = (index: number) => onChange(clampPage(index, rowCount, pageSize), pageSize);
  const atStart = pageIndex <= 0;
  const atEnd = pageIndex >= pages - 1;

  return (
    <nav className="pagination" aria-label="Result pages">
      <span className="range">{rowRangeLabel(pageIndex, pageSize, rowCount)}</span>
      <button type="button" onClick={() => go(0)} disabled={atStart} aria-label="First page">
        «
      </button>
      <button type="button" onClick={() => go(pageIndex - 1)} disabled={atStart} aria-label="Previous page">
        ‹
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const index = parsePageInput(typed, rowCount, pageSize);
          if (index === null) setTyped(String(pageIndex + 1));
          else go(index);
        }}
      >
        <label>
          Page{" "}
          <input
            className="page-input"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            inputMode="numeric"
            aria-label="Page number"
          />
        </label>{" "}
        of {pages.toLocaleString("en-US")}
      </form>
      <button type="button" onClick={() => go(pageIndex + 1)} disabled={atEnd} aria-label="Next page">
        ›
      </button>
      <button type="button" onClick={() => go(pages - 1)} disabled={atEnd} aria-label="Last page">
        »
      </button>
      <label className="page-size">
        Rows per page{" "}
        <select
          value={pageSize}
          onChange={(event) => {
            const size = Number(event.target.value) as PageSize;
            // Keep the first visible row on screen when the page size changes.
            onChange(Math.floor((pageIndex * pageSize) / size), size);
          }}
        >
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      {busy && <span className="spinner" role="status" aria-label="Loading page" />}
    </nav>
  );
}
