"use client";

import { useHydrated } from "@/components/ui/use-hydrated";
import type { CellViewProps } from "./CellView";

export type CellCommand =
  | "up"
  | "down"
  | "duplicate"
  | "delete"
  | "addAbove"
  | "addBelow"
  | "runAbove"
  | "runBelow"
  | "toQuery"
  | "python";

const MORE: { command: CellCommand; label: string; sqlOnly?: boolean; edit?: boolean; run?: boolean }[] = [
  { command: "addAbove", label: "Add cell above", edit: true },
  { command: "addBelow", label: "Add cell below", edit: true },
  { command: "runAbove", label: "Run all above", run: true },
  { command: "runBelow", label: "Run this and all below", run: true },
  { command: "toQuery", label: "Save as a query", sqlOnly: true },
  { command: "python", label: "Use from Python", sqlOnly: true },
];

/** A cell's toolbar: its kind and connection, run/cancel, and the edits a cell offers. */
export function CellMenu({
  cell,
  index,
  connections,
  defaultConnectionId,
  canEdit,
  canRun,
  running,
  onChange,
  onRun,
  onCancel,
  onCommand,
}: CellViewProps & { running: boolean; onCancel(): void }) {
  const n = index + 1;
  // A click before hydration would be lost: the button waits for it, as the editor's Run does.
  const hydrated = useHydrated();
  const fallback = connections.find((c) => c.id === defaultConnectionId)?.name ?? "notebook's connection";
  return (
    <div className="cell-toolbar">
      <span className="cell-number" aria-hidden>
        [{n}]
      </span>
      <select
        aria-label={`Type of cell ${n}`}
        value={cell.kind}
        disabled={!canEdit}
        onChange={(event) => onChange({ kind: event.target.value as "sql" | "markdown" })}
      >
        <option value="sql">SQL</option>
        <option value="markdown">Markdown</option>
      </select>
      {cell.kind === "sql" && (
        <select
          aria-label={`Connection of cell ${n}`}
          value={cell.connectionId ?? ""}
          disabled={!canEdit}
          onChange={(event) => onChange({ connectionId: event.target.value || null })}
        >
          <option value="">Notebook default ({fallback})</option>
          {cell.connectionId && !connections.some((c) => c.id === cell.connectionId) && (
            <option value={cell.connectionId}>(a connection you cannot use)</option>
          )}
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      )}
      <span className="spacer" />
      {cell.kind === "sql" &&
        (running ? (
          <button type="button" onClick={onCancel}>
            ■ Cancel
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={!canRun || !hydrated}
            onClick={() => onRun(false)}
            title="Run cell (Ctrl+Enter; Shift+Enter runs and moves on)"
            aria-label={`Run cell ${n}`}
          >
            ▶ Run
          </button>
        ))}
      {canEdit && (
        <>
          <button type="button" className="icon" aria-label={`Move cell ${n} up`} onClick={() => onCommand("up")}>
            ↑
          </button>
          <button type="button" className="icon" aria-label={`Move cell ${n} down`} onClick={() => onCommand("down")}>
            ↓
          </button>
          <button
            type="button"
            className="icon"
            aria-label={`Duplicate cell ${n}`}
            title="Duplicate"
            onClick={() => onCommand("duplicate")}
          >
            Duplicate
          </button>
          <button
            type="button"
            className="icon danger-text"
            aria-label={`Delete cell ${n}`}
            title="Delete"
            onClick={() => onCommand("delete")}
          >
            Delete
          </button>
        </>
      )}
      <details className="menu">
        <summary aria-label={`More actions for cell ${n}`}>⋯</summary>
        <div className="menu-items" role="menu">
          {MORE.filter((m) => (!m.sqlOnly || cell.kind === "sql") && (!m.edit || canEdit) && (!m.run || canRun)).map(
            (m) => (
              <button
                key={m.command}
                type="button"
                role="menuitem"
                onClick={(event) => {
                  event.currentTarget.closest("details")?.removeAttribute("open");
                  onCommand(m.command);
                }}
              >
                {m.label}
              </button>
            ),
          )}
        </div>
      </details>
    </div>
  );
}
