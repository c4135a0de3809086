"use client";

import { useEffect, useRef, useState } from "react";
import type { ErrorMarker } from "@/components/editor/MonacoSqlEditor";
import { SqlEditor } from "@/components/editor/SqlEditor";
import { useElapsed, useRun } from "@/components/results/useRun";
import { runCellAction } from "@/lib/actions/runs";
import type { ConnectionView } from "@/lib/connections";
import type { CellRun, NotebookCell } from "@/lib/notebooks/types";
import type { RunView } from "@/lib/results/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { type CellCommand, CellMenu } from "./CellMenu";
import { CellResult } from "./CellResult";
import { MarkdownView } from "./MarkdownView";

/** What the notebook can ask of a cell: run it (resolving when the run ends), or cancel it. */
export interface CellRunner {
  /** `parameters`: the notebook's parameter values the cell's SQL uses. */
  run(parameters?: ParameterSpec[]): Promise<RunView | null>;
  cancel(): Promise<void>;
}

export interface CellViewProps {
  notebookId: string;
  cell: NotebookCell;
  index: number;
  defaultConnectionId: string;
  connections: ConnectionView[];
  canEdit: boolean;
  canRun: boolean;
  selected: boolean;
  editing: boolean;
  lastRun: CellRun | undefined;
  onChange(change: Partial<Omit<NotebookCell, "id">>): void;
  onSelect(editing: boolean): void;
  /** Run this cell (after saving), then optionally move to the next. */
  onRun(advance: boolean): void;
  onCommand(command: CellCommand): void;
  registerRunner(id: string, runner: CellRunner | null): void;
}

/** One cell: its toolbar, its SQL editor or Markdown, and for SQL its last result and chart. */
export function CellView(props: CellViewProps) {
  const { notebookId, cell, index, canEdit, selected, editing, lastRun, onSelect } = props;
  // The cell's own connection, else the notebook's.
  const connection = props.connections.find((c) => c.id === (cell.connectionId ?? props.defaultConnectionId));
  const { state, launch, cancel, goTo, show } = useRun(`cell-${cell.id}`);
  const [ranBy, setRanBy] = useState(lastRun?.ranBy ?? null);
  const running = state.starting || state.run?.status === "running";
  const elapsed = useElapsed(state.startedAt, running);
  const ref = useRef<HTMLElement>(null);

  // A reopened notebook shows each cell's stored result without running anything.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the result the page came with
  useEffect(() => {
    if (lastRun) show(lastRun);
  }, []);

  useEffect(() => {
    props.registerRunner(cell.id, {
      run: (parameters) => {
        setRanBy(null);
        return launch(
          (pageSize) => runCellAction({ notebookId, cellId: cell.id, pageSize, parameters }),
          connection?.id,
        );
      },
      cancel,
    });
    return () => props.registerRunner(cell.id, null);
  }, [props.registerRunner, cell.id, notebookId, launch, cancel, connection?.id]);

  useEffect(() => {
    if (selected && !editing && ref.current && !ref.current.contains(document.activeElement)) ref.current.focus();
  }, [selected, editing]);

  const error = state.run?.error;
  const marker: ErrorMarker | null =
    error?.line !== undefined && error.column !== undefined
      ? { message: error.message, line: error.line, column: error.column }
      : null;
  const kindLabel = cell.kind === "sql" ? "SQL" : "Markdown";

  return (
    <section
      ref={ref}
      className={`nb-cell nb-cell-${cell.kind}${selected ? " selected" : ""}${editing ? " editing" : ""}`}
      aria-label={`Cell ${index + 1} (${kindLabel})`}
      data-cell-id={cell.id}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: command mode needs the cell to hold focus
      tabIndex={0}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onSelect(false);
      }}
      onMouseDown={() => !selected && onSelect(editing)}
    >
      <CellMenu {...props} running={running} onCancel={() => void cancel()} />
      {cell.kind === "sql" ? (
        <div className="cell-editor" onFocusCapture={() => !editing && onSelect(true)}>
          <SqlEditor
            value={cell.source}
            onChange={(source) => props.onChange({ source })}
            onRun={() => props.onRun(false)}
            onShiftEnter={() => props.onRun(true)}
            onEscape={() => {
              onSelect(false);
              ref.current?.focus();
            }}
            autoFocus={editing}
            fitContent={{ min: 56, max: 480 }}
            readOnly={!canEdit}
            readOnlyMessage="You cannot change this notebook; ask its owner for Can edit."
            ariaLabel={`SQL of cell ${index + 1}`}
            marker={marker}
            connectionId={connection?.id}
            dialect={connection?.dialect}
          />
        </div>
      ) : editing && canEdit ? (
        <textarea
          className="markdown-source"
          aria-label={`Markdown of cell ${index + 1}`}
          value={cell.source}
          autoFocus
          rows={Math.min(20, Math.max(3, cell.source.split("\n").length + 1))}
          onChange={(event) => props.onChange({ source: event.target.value })}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              onSelect(false);
              ref.current?.focus();
            } else if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              props.onRun(event.shiftKey);
            }
          }}
        />
      ) : (
        // biome-ignore lint/a11y/noStaticElementInteractions: double-click to edit, as in Jupyter; Enter does the same
        <div className="markdown-rendered" onDoubleClick={() => canEdit && onSelect(true)}>
          <MarkdownView source={cell.source} />
        </div>
      )}
      {cell.kind === "sql" && (state.run || state.problem || state.starting) && (
        <CellResult
          cell={cell}
          state={state}
          elapsedMs={elapsed}
          ranBy={ranBy}
          canEdit={canEdit}
          onPage={(pageIndex, pageSize) => goTo(pageIndex, pageSize)}
          onSort={(sort) => goTo(0, state.pageSize, sort)}
          onFilter={(filter) => goTo(0, state.pageSize, state.sort, filter)}
          onChart={(chart) => props.onChange({ chart })}
        />
      )}
    </section>
  );
}
