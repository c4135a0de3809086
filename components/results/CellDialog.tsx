"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { readCell } from "@/lib/results/reads";
import type { Cell } from "@/lib/results/types";

export interface OpenCell {
  runId: string;
  rowId: number;
  column: number;
  columnName: string;
  /** The value as the page carried it; fetched in full when it was cut. */
  value: Cell;
  clipped: boolean;
}

/** Shows one value in full, with a copy button. */
export function CellDialog({ cell, onClose }: { cell: OpenCell | null; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [full, setFull] = useState<{ value: Cell } | { error: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const { run, forget } = useAction();

  useEffect(() => {
    setCopied(false);
    if (!cell) {
      dialog.current?.close();
      return;
    }
    if (!dialog.current?.open) dialog.current?.showModal();
    if (!cell.clipped) {
      setFull({ value: cell.value });
      return;
    }
    setFull(null);
    void run(() => readCell(cell.runId, cell.rowId, cell.column)).then((result) => {
      if (result) setFull(result.ok ? { value: result.data } : { error: result.error });
    });
    return forget;
  }, [cell, run, forget]);

  const value = full && "value" in full ? full.value : null;
  return (
    <dialog ref={dialog} className="cell-dialog" onClose={onClose} aria-label="Full value">
      <header>
        <h2>{cell?.columnName}</h2>
        <span className="muted">
          {value === null ? "" : `${Array.from(value).length.toLocaleString("en-US")} characters`}
        </span>
      </header>
      {full === null ? (
        <p className="muted">Loading…</p>
      ) : "error" in full ? (
        <Alert inline>{full.error}</Alert>
      ) : (
        <pre className="cell-value">{full.value === null ? <span className="null">NULL</span> : full.value}</pre>
      )}
      <footer>
        <button
          type="button"
          disabled={value === null}
          onClick={() => {
            if (value !== null) void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </footer>
    </dialog>
  );
}
