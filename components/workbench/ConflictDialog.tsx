"use client";

import { useState } from "react";
import { SqlDiff } from "@/components/editor/SqlDiff";
import { Dialog } from "@/components/ui/Dialog";
import type { SaveConflict } from "@/lib/queries";
import { formatTime } from "@/lib/time";

export type ConflictChoice = "reload" | "copy" | "overwrite";

/**
 * Someone saved the query after this tab's version: nothing was overwritten.
 * The user reloads their version, keeps theirs as a copy, or — after looking
 * at the difference — overwrites.
 */
export function ConflictDialog({
  conflict,
  mine,
  busy,
  onChoose,
  onClose,
  noun = "query",
}: {
  /** Their version; `sql` is what the difference is shown of (a notebook's cells as one text). */
  conflict: Pick<SaveConflict["theirs"], "version" | "updatedByName" | "updatedAt" | "sql">;
  noun?: "query" | "notebook";
  mine: string;
  busy: boolean;
  onChoose(choice: ConflictChoice): void;
  onClose(): void;
}) {
  const [comparing, setComparing] = useState(false);
  return (
    <Dialog
      title={`This ${noun} was changed by someone else`}
      open
      onClose={onClose}
      wide={comparing}
      footer={
        <>
          <button type="button" onClick={() => onChoose("reload")} disabled={busy}>
            Reload their version
          </button>
          <button type="button" onClick={() => onChoose("copy")} disabled={busy}>
            Keep mine as a copy
          </button>
          {comparing ? (
            <button type="button" className="danger" onClick={() => onChoose("overwrite")} disabled={busy}>
              Overwrite with mine
            </button>
          ) : (
            <button type="button" onClick={() => setComparing(true)}>
              Compare to overwrite…
            </button>
          )}
        </>
      }
    >
      <p>
        {conflict.updatedByName} saved version {conflict.version} at {formatTime(conflict.updatedAt)}, after the version
        you were editing. Your save was not applied and nothing was lost.
      </p>
      {comparing && (
        <>
          <p className="diff-legend">
            <span className="diff-removed">− their version {conflict.version}</span>
            <span className="diff-added">+ yours</span>
          </p>
          <section className="diff" aria-label="Differences">
            <SqlDiff original={conflict.sql} modified={mine} />
          </section>
        </>
      )}
    </Dialog>
  );
}
