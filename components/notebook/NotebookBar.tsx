"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { ConnectionPicker } from "@/components/ui/ConnectionPicker";
import { useAction } from "@/components/ui/use-action";
import { useHydrated } from "@/components/ui/use-hydrated";
import { deleteNotebookAction } from "@/lib/actions/notebooks";
import type { ConnectionView } from "@/lib/connections";
import type { NotebookContent, NotebookView } from "@/lib/notebooks/types";
import { LEVEL_LABELS } from "@/lib/sharing";
import { ExportMenu } from "./ExportMenu";
import { ShortcutsDialog } from "./ShortcutsDialog";
import type { SaveStatus } from "./useNotebookSave";

const STATUS: Record<Exclude<SaveStatus["kind"], "error">, string> = {
  saved: "All changes saved",
  pending: "Unsaved changes…",
  saving: "Saving…",
  conflict: "Not saved: someone else changed this notebook",
};

/** The notebook's title, default connection, save state, and what applies to all of it. */
export function NotebookBar(props: {
  view: NotebookView;
  content: NotebookContent;
  connections: ConnectionView[];
  status: SaveStatus;
  canEdit: boolean;
  canRun: boolean;
  runningAll: boolean;
  onTitle(title: string): void;
  onConnection(id: string): void;
  onRunAll(): void;
  onCancelAll(): void;
  onShare(): void;
  onAddQuery(): void;
  onResolve(): void;
}) {
  const { view, content, connections, status, canEdit, canRun, runningAll } = props;
  const router = useRouter();
  // A click before hydration would be lost: Run all waits for it.
  const hydrated = useHydrated();
  const [shortcuts, setShortcuts] = useState(false);
  const { run, error: problem } = useAction();
  const databricks = connections.find((c) => c.id === content.connectionId)?.kind === "databricks";

  const remove = async () => {
    if (!window.confirm(`Delete the notebook "${content.title}" for everyone it is shared with?`)) return;
    const result = await run(() => deleteNotebookAction({ notebookId: view.id }), { keepPending: true });
    if (result?.ok) router.push("/notebooks");
  };

  return (
    <header className="notebook-bar">
      <div className="notebook-title-row">
        <input
          className="notebook-title"
          aria-label="Notebook title"
          value={content.title}
          readOnly={!canEdit}
          maxLength={200}
          onChange={(event) => props.onTitle(event.target.value)}
        />
        <span className={`save-status save-${status.kind}`} role="status">
          {status.kind === "error" ? `Not saved: ${status.message} Retrying…` : STATUS[status.kind]}
          {status.kind === "conflict" && (
            <button type="button" className="link" onClick={props.onResolve}>
              Resolve…
            </button>
          )}
        </span>
      </div>
      <div className="toolbar">
        {runningAll ? (
          <button type="button" onClick={props.onCancelAll}>
            ■ Cancel
          </button>
        ) : (
          <button type="button" className="primary" onClick={props.onRunAll} disabled={!canRun || !hydrated}>
            ▶ Run all
          </button>
        )}
        <ConnectionPicker
          value={content.connectionId}
          connections={connections}
          disabled={!canEdit}
          onChange={props.onConnection}
        />
        <span className="muted small">
          {view.isOwner ? "Yours" : `Owner: ${view.ownerName} · you have ${LEVEL_LABELS[view.level]}`}
        </span>
        <span className="spacer" />
        {canEdit && (
          <button type="button" onClick={props.onAddQuery}>
            + From saved query
          </button>
        )}
        <button type="button" onClick={props.onShare}>
          Share
        </button>
        <ExportMenu notebookId={view.id} databricks={databricks} />
        <button type="button" onClick={() => setShortcuts(true)}>
          Keyboard shortcuts
        </button>
        {view.level === "manage" && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </div>
      <Alert>{problem}</Alert>
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
    </header>
  );
}
