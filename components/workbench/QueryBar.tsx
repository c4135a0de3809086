"use client";

import { UsePythonButton } from "@/components/python/UsePythonButton";
import type { UsePythonProps } from "@/components/python/UsePythonDialog";
import { LEVEL_LABELS } from "@/lib/sharing";
import type { EditorTabView } from "@/lib/tabs";
import type { DraftStatus } from "./useDraft";

/** Above the editor: what the tab is (a draft or a saved query), whether it is saved, and what can be done with it. */
export function QueryBar({
  tab,
  dirty,
  status,
  busy,
  onSave,
  onSaveAs,
  onDetails,
  onShare,
  onVersions,
  onDelete,
  onOpenCopy,
  python,
}: {
  tab: EditorTabView;
  dirty: boolean;
  status: DraftStatus;
  busy: boolean;
  onSave(): void;
  onSaveAs(): void;
  onDetails(): void;
  onShare(): void;
  onVersions(): void;
  onDelete(): void;
  onOpenCopy(): void;
  /** What "Use from Python" offers for the saved query (its saved SQL, the bar's values). */
  python?: UsePythonProps;
}) {
  const query = tab.query;
  const level = query?.level ?? "manage";
  const canEdit = level === "edit" || level === "manage";
  return (
    <div className="query-bar">
      <h2 className="query-title" title={query?.description || undefined}>
        {query ? query.savedTitle : "Unsaved query"}
      </h2>
      {query && !canEdit && <span className="level-chip">{LEVEL_LABELS[level]}</span>}
      <span className="draft-status" role="status" aria-live="polite">
        {status.state === "failed" ? (
          <span className="error-text">{status.message}</span>
        ) : query && dirty ? (
          "Unsaved changes"
        ) : query ? (
          `Version ${query.baseVersion}`
        ) : status.state === "saving" ? (
          "Saving draft…"
        ) : (
          "Draft saved"
        )}
      </span>
      <span className="spacer" />
      {canEdit && (
        <button type="button" onClick={onSave} disabled={busy || (query !== null && !dirty)} title="Save (Ctrl+S)">
          Save
        </button>
      )}
      {query && (
        <>
          {canEdit && (
            <button type="button" onClick={onDetails}>
              Details…
            </button>
          )}
          <button type="button" onClick={canEdit ? onSaveAs : onOpenCopy}>
            {canEdit ? "Save as…" : "Open a copy"}
          </button>
          <button type="button" onClick={onVersions}>
            Versions
          </button>
          <button type="button" onClick={onShare}>
            Share
          </button>
          {python && <UsePythonButton {...python} />}
          {level === "manage" && (
            <button type="button" className="danger-text" onClick={onDelete}>
              Delete
            </button>
          )}
        </>
      )}
    </div>
  );
}
