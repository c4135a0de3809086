"use client";

import { useEffect, useState } from "react";
import { describeFilter, MAX_FILTER_VALUE_CHARS, type ResultFilter } from "@/lib/results/filters";
import type { ResultColumn } from "@/lib/results/types";

/** How long the search waits for typing to pause. */
const SEARCH_DELAY_MS = 400;

/** A search over every column of the result, applied once typing pauses (or on Enter). */
export function ResultSearch({ filter, onChange }: { filter: ResultFilter; onChange(next: ResultFilter): void }) {
  const [text, setText] = useState(filter.search);
  useEffect(() => setText(filter.search), [filter.search]);
  useEffect(() => {
    if (text === filter.search) return;
    const timer = setTimeout(() => onChange({ ...filter, search: text }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);
  return (
    <input
      type="search"
      className="result-search"
      placeholder="Search all columns"
      aria-label="Search all columns"
      maxLength={MAX_FILTER_VALUE_CHARS}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === "Enter" && text !== filter.search) onChange({ ...filter, search: text });
      }}
    />
  );
}

/** The filters in force, each removable, above the grid. */
export function FilterChips({
  filter,
  columns,
  onChange,
}: {
  filter: ResultFilter;
  columns: ResultColumn[];
  onChange(next: ResultFilter): void;
}) {
  if (filter.columns.length === 0) return null;
  return (
    <ul className="filter-chips" aria-label="Filters">
      {filter.columns.map((f) => {
        const text = describeFilter(f, columns[f.column]?.name ?? `column ${f.column + 1}`);
        return (
          <li key={f.column} className="filter-chip">
            <span className="filter-chip-text" title={text}>
              {text}
            </span>
            <button
              type="button"
              aria-label={`Remove filter: ${text}`}
              onClick={() => onChange({ ...filter, columns: filter.columns.filter((g) => g !== f) })}
            >
              ×
            </button>
          </li>
        );
      })}
      {filter.columns.length > 1 && (
        <li>
          <button type="button" className="link" onClick={() => onChange({ ...filter, columns: [] })}>
            Clear filters
          </button>
        </li>
      )}
    </ul>
  );
}
