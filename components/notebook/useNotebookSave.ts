"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { saveNotebookAction } from "@/lib/actions/notebooks";
import type { NotebookContent, NotebookView } from "@/lib/notebooks/types";

/** Edits are saved this long after the last keystroke. */
const SAVE_DELAY_MS = 700;
/** A save that could not reach the server is tried again after this long. */
const RETRY_MS = 3_000;

export type SaveStatus =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  | { kind: "error"; message: string }
  | { kind: "conflict"; theirs: NotebookView };

interface Backup {
  baseVersion: number;
  content: NotebookContent;
}

const backupKey = (id: string) => `lakebook.notebook.${id}`;

function readBackup(id: string): Backup | null {
  try {
    const raw = localStorage.getItem(backupKey(id));
    return raw ? (JSON.parse(raw) as Backup) : null;
  } catch {
    return null;
  }
}

function writeBackup(id: string, backup: Backup | null): void {
  try {
    if (backup) localStorage.setItem(backupKey(id), JSON.stringify(backup));
    else localStorage.removeItem(backupKey(id));
  } catch {
    // A full or disabled storage only loses the crash copy; the server save goes on.
  }
}

const same = (a: NotebookContent, b: NotebookContent) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Autosave of a notebook: every edit is kept in this browser at once (so a
 * crash or an unreachable server loses nothing) and saved to the server
 * shortly after, over the version it was edited from. A newer version saved
 * by someone else stops the autosave with a conflict for the user to resolve.
 */
export function useNotebookSave(initial: NotebookView, canEdit: boolean, onSaved: (view: NotebookView) => void) {
  const [content, setContent] = useState<NotebookContent>(() => {
    const backup = canEdit ? readBackup(initial.id) : null;
    return backup && backup.baseVersion === initial.version ? backup.content : contentOf(initial);
  });
  const [status, setStatus] = useState<SaveStatus>(() => {
    const backup = canEdit ? readBackup(initial.id) : null;
    // Unsaved edits of an older version: the user decides, nothing is dropped.
    return backup && backup.baseVersion < initial.version && !same(backup.content, contentOf(initial))
      ? { kind: "conflict", theirs: initial }
      : { kind: "saved" };
  });
  const base = useRef({ version: initial.version, content: contentOf(initial) });
  const latest = useRef(content);
  latest.current = content;
  const inFlight = useRef<Promise<boolean> | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  /** Saves what is on screen now; true once the server has it. */
  const saveNow = useCallback(async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    if (statusRef.current.kind === "conflict") return false;
    const content = latest.current;
    if (same(content, base.current.content)) return true;
    const attempt = (async () => {
      setStatus({ kind: "saving" });
      const result = await saveNotebookAction({
        notebookId: initial.id,
        baseVersion: base.current.version,
        content,
      }).catch(() => ({ ok: false as const, error: "The server could not be reached. Your edits are kept here." }));
      if (!result.ok) {
        setStatus({ kind: "error", message: result.error });
        return false;
      }
      if ("conflict" in result.data) {
        setStatus({ kind: "conflict", theirs: result.data.theirs });
        return false;
      }
      base.current = { version: result.data.saved.version, content };
      onSavedRef.current(result.data.saved);
      const clean = same(latest.current, content);
      writeBackup(initial.id, clean ? null : { baseVersion: base.current.version, content: latest.current });
      setStatus(clean ? { kind: "saved" } : { kind: "pending" });
      return true;
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
    }
  }, [initial.id]);

  const edit = useCallback(
    (change: (content: NotebookContent) => NotebookContent) => {
      if (!canEdit) return;
      const next = change(latest.current);
      latest.current = next;
      setContent(next);
      writeBackup(initial.id, { baseVersion: base.current.version, content: next });
      if (statusRef.current.kind !== "conflict") setStatus({ kind: "pending" });
    },
    [canEdit, initial.id],
  );

  // Save a moment after the last edit; retry a failed save.
  useEffect(() => {
    if (status.kind !== "pending" && status.kind !== "error") return;
    const timer = setTimeout(() => void saveNow(), status.kind === "error" ? RETRY_MS : SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [status, saveNow]);

  /** Conflict choice: save mine over their version, after seeing the difference. */
  const overwrite = useCallback(
    async (theirs: NotebookView) => {
      base.current = { version: theirs.version, content: contentOf(theirs) };
      setStatus({ kind: "pending" });
      statusRef.current = { kind: "pending" };
      return saveNow();
    },
    [saveNow],
  );
  const dropBackup = useCallback(() => writeBackup(initial.id, null), [initial.id]);

  return { content, status, edit, saveNow, overwrite, dropBackup };
}

export function contentOf(view: NotebookContent): NotebookContent {
  return { title: view.title, connectionId: view.connectionId, cells: view.cells, parameters: view.parameters ?? [] };
}
