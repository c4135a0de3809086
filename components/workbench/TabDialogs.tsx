"use client";

import { EditorShortcutsDialog } from "@/components/editor/EditorShortcutsDialog";
import { ShareDialog } from "@/components/sharing/ShareDialog";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { Level } from "@/lib/sharing";
import type { EditorTabView } from "@/lib/tabs";
import { ConflictDialog } from "./ConflictDialog";
import { QueryDetailsDialog } from "./QueryDetailsDialog";
import type { useQuerySave } from "./useQuerySave";
import { VersionsDialog } from "./VersionsDialog";

/** The dialogs over an editor tab: a save's details or conflict, sharing, keyboard shortcuts, versions. */
export function TabDialogs({
  dialog,
  saving,
  query,
  level,
  canEdit,
  mine,
  onLoad,
  onClose,
}: {
  dialog: "share" | "versions" | "shortcuts" | null;
  saving: ReturnType<typeof useQuerySave>;
  query: EditorTabView["query"];
  level: Level;
  canEdit: boolean;
  /** The tab's text, beside theirs in a save conflict. */
  mine: string;
  onLoad(version: { sql: string; chart: ChartSpec | null }): void;
  onClose(): void;
}) {
  return (
    <>
      {saving.details && (
        <QueryDetailsDialog
          heading={saving.details.heading}
          initial={saving.details.initial}
          busy={saving.busy}
          error={saving.error}
          onSubmit={saving.submitDetails}
          onClose={saving.closeDetails}
        />
      )}
      {saving.conflict && (
        <ConflictDialog
          conflict={saving.conflict}
          mine={mine}
          busy={saving.busy}
          onChoose={saving.choose}
          onClose={saving.closeConflict}
        />
      )}
      {dialog === "share" && query && (
        <ShareDialog
          kind="query"
          id={query.id}
          ownerName={query.isOwner ? `${query.ownerName} (you)` : query.ownerName}
          canManage={level === "manage"}
          onClose={onClose}
        />
      )}
      {dialog === "shortcuts" && <EditorShortcutsDialog onClose={onClose} />}
      {dialog === "versions" && query && (
        <VersionsDialog queryId={query.id} canEdit={canEdit} onLoad={onLoad} onClose={onClose} />
      )}
    </>
  );
}
