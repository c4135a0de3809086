"use client";

import { useEffect, useId, useRef, useState } from "react";
import {
  type ColumnFilter,
  filterParam,
  MAX_FILTER_PARAM_CHARS,
  MAX_LIST_VALUES,
  type ResultFilter,
} from "@/lib/results/filters";
import { columnKind } from "@/lib/results/format";
import type { ResultColumn } from "@/lib/results/types";
import { ColumnProfileView } from "./ColumnProfileView";
import type { PopoverPlace } from "./popover-place";

type Op = ColumnFilter["op"];

const TEXT_OPS: { op: Op; label: string }[] = [
  { op: "contains", label: "contains" },
  { op: "equals", label: "equals" },
  { op: "starts", label: "starts with" },
  { op: "in", label: "is one of (one per line)" },
  { op: "null", label: "is null" },
  { op: "notnull", label: "is not null" },
];
const RANGE_OPS: { op: Op; label: string }[] = [
  { op: "range", label: "between" },
  ...TEXT_OPS.filter((o) => o.op === "equals" || o.op === "in" || o.op === "null" || o.op === "notnull"),
];

/** Where a column's popover opens: under its header's filter button, or above it when the room is there. */
export interface FilterAnchor extends PopoverPlace {
  column: number;
  tab?: "filter" | "profile";
}

/**
 * One column's filter, as a small form under its header: text columns match
 * contains / equals / starts with / a list of values; numbers, dates and
 * timestamps take a range; any column is null or not null. Applying replaces
 * the column's earlier filter.
 */
export function FilterPopover({
  runId,
  anchor,
  column,
  filter,
  onApply,
  onClose,
}: {
  runId: string;
  anchor: FilterAnchor;
  column: ResultColumn;
  filter: ResultFilter;
  onApply(next: ResultFilter): void;
  onClose(): void;
}) {
  const kind = columnKind(column.type);
  const ranged = kind === "number" || kind === "temporal";
  const ops = ranged ? RANGE_OPS : TEXT_OPS;
  const current = filter.columns.find((f) => f.column === anchor.column) ?? null;
  const [op, setOp] = useState<Op>(current?.op ?? ops[0].op);
  const [value, setValue] = useState(current && "value" in current ? current.value : "");
  const [list, setList] = useState(current?.op === "in" ? current.values.join("\n") : "");
  const [min, setMin] = useState(current?.op === "range" ? (current.min ?? "") : "");
  const [max, setMax] = useState(current?.op === "range" ? (current.max ?? "") : "");
  const [problem, setProblem] = useState<string | null>(null);
  const [tab, setTab] = useState<"filter" | "profile">(anchor.tab ?? "filter");
  const box = useRef<HTMLFormElement>(null);
  const id = useId();

  useEffect(() => {
    box.current?.querySelector<HTMLElement>("select, input, textarea")?.focus();
    const away = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [onClose]);

  function built(): ColumnFilter | string {
    const at = anchor.column;
    switch (op) {
      case "null":
      case "notnull":
        return { column: at, op };
      case "in": {
        const values = list.split("\n").filter((line) => line !== "");
        if (values.length === 0) return "Give at least one value, one per line.";
        if (values.length > MAX_LIST_VALUES) return `A list holds at most ${MAX_LIST_VALUES} values.`;
        return { column: at, op, values };
      }
      case "range":
        if (min.trim() === "" && max.trim() === "") return "Give a lower bound, an upper bound or both.";
        return {
          column: at,
          op,
          min: min.trim() === "" ? null : min.trim(),
          max: max.trim() === "" ? null : max.trim(),
        };
      default:
        if (value === "") return "Type a value to match.";
        return { column: at, op, value } as ColumnFilter;
    }
  }

  function apply() {
    const made = built();
    if (typeof made === "string") return setProblem(made);
    const next = { ...filter, columns: [...filter.columns.filter((f) => f.column !== anchor.column), made] };
    if (filterParam(next).length > MAX_FILTER_PARAM_CHARS)
      return setProblem("The filters are too long: remove some, or shorten their values.");
    onApply(next);
  }

  return (
    <form
      ref={box}
      className="filter-popover"
      role="dialog"
      aria-label={`Filter ${column.name}`}
      style={{ left: anchor.left, top: anchor.top, bottom: anchor.bottom, maxHeight: anchor.maxHeight }}
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <div className="filter-title">
        <strong>{column.name}</strong> <span className="coltype">{column.type}</span>
      </div>
      <div className="filter-tabs" role="tablist" aria-label="Column">
        <button type="button" role="tab" aria-selected={tab === "filter"} onClick={() => setTab("filter")}>
          Filter
        </button>
        <button type="button" role="tab" aria-selected={tab === "profile"} onClick={() => setTab("profile")}>
          Profile
        </button>
      </div>
      {tab === "profile" ? <ColumnProfileView runId={runId} column={anchor.column} /> : filterFields()}
    </form>
  );

  /** The filter's fields (a function, not a component: its inputs keep their focus). */
  function filterFields() {
    return (
      <>
        <select id={`${id}-op`} aria-label="Condition" value={op} onChange={(e) => setOp(e.target.value as Op)}>
          {ops.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
        {op === "range" && (
          <div className="filter-range">
            <input aria-label="From" placeholder="from" value={min} onChange={(e) => setMin(e.target.value)} />
            <span aria-hidden>–</span>
            <input aria-label="To" placeholder="to" value={max} onChange={(e) => setMax(e.target.value)} />
          </div>
        )}
        {op === "in" && (
          <textarea aria-label="Values, one per line" rows={4} value={list} onChange={(e) => setList(e.target.value)} />
        )}
        {(op === "contains" || op === "equals" || op === "starts") && (
          <input aria-label="Value" value={value} onChange={(e) => setValue(e.target.value)} />
        )}
        {problem && (
          <p className="filter-problem" role="alert">
            {problem}
          </p>
        )}
        <div className="filter-actions">
          {current && (
            <button
              type="button"
              onClick={() => onApply({ ...filter, columns: filter.columns.filter((f) => f.column !== anchor.column) })}
            >
              Remove filter
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </>
    );
  }
}
