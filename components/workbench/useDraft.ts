"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { saveDraftAction } from "@/lib/actions/tabs";
import { clearBackup, type DraftBackup, readBackup, registerFlush, writeBackup } from "@/lib/drafts";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import type { EditorTabView } from "@/lib/tabs";

/** Wait after the last keystroke before saving on the server. */
const SAVE_DELAY_MS = 400;
const RETRY_MS = 3_000;
const UNREACHABLE = "Not saved: the server cannot be reached. Your text is kept in this browser until it can.";

export type DraftStatus = { state: "saved" | "saving" } | { state: "failed"; message: string };

/**
 * A tab's text and connection as the user edits them: mirrored in the browser
 * at once and saved on the server shortly after, in revision order.
 */
export function useDraft(tab: EditorTabView, onDraft: (draft: DraftBackup) => void) {
  const [sql, setSqlState] = useState(tab.sql);
  const [connectionId, setConnectionState] = useState(tab.connectionId);
  const [parameters, setParametersState] = useState<ParameterSpec[]>(tab.parameters);
  const [chart, setChartState] = useState<ChartSpec | null>(tab.chart);
  const [status, setStatus] = useState<DraftStatus>({ state: "saved" });
  const current = useRef<DraftBackup & { parameters: ParameterSpec[]; chart: ChartSpec | null }>({
    sql: tab.sql,
    connectionId: tab.connectionId,
    revision: tab.revision,
    parameters: tab.parameters,
    chart: tab.chart,
  });
  const pending = useRef(false);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onDraftRef = useRef(onDraft);
  onDraftRef.current = onDraft;

  const push = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (!pending.current) return;
    pending.current = false;
    const draft = { ...current.current };
    setStatus({ state: "saving" });
    const save = saveDraftAction({ tabId: tab.id, ...draft })
      .catch(() => ({ ok: false as const, error: UNREACHABLE }))
      .then((result) => {
        if (!result.ok) {
          pending.current = true;
          setStatus({ state: "failed", message: result.error });
          timer.current = setTimeout(() => void push(), RETRY_MS);
          return;
        }
        if (result.data.stale) {
          setStatus({ state: "failed", message: "This tab was changed in another window; reload to see its text." });
          return;
        }
        // Continue after the server's revision, which another window may have moved on.
        current.current.revision = Math.max(current.current.revision, result.data.revision);
        clearBackup(tab.id, draft.revision);
        if (!pending.current) setStatus({ state: "saved" });
      });
    inFlight.current = save;
    await save;
    inFlight.current = null;
  }, [tab.id]);

  const change = useCallback(
    (next: { sql?: string; connectionId?: string; parameters?: ParameterSpec[]; chart?: ChartSpec | null }) => {
      const draft = { ...current.current, ...next, revision: current.current.revision + 1 };
      current.current = draft;
      if (next.sql !== undefined) setSqlState(next.sql);
      if (next.connectionId !== undefined) setConnectionState(next.connectionId);
      if (next.parameters !== undefined) setParametersState(next.parameters);
      if (next.chart !== undefined) setChartState(next.chart);
      writeBackup(tab.id, draft);
      onDraftRef.current(draft);
      pending.current = true;
      setStatus({ state: "saving" });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void push(), SAVE_DELAY_MS);
    },
    [tab.id, push],
  );

  // Text the server never got (a crash, a closed window) comes back from the browser's copy.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the tab is first shown
  useEffect(() => {
    const backup = readBackup(tab.id);
    if (backup && backup.revision > tab.revision) {
      current.current = {
        ...backup,
        parameters: backup.parameters ?? tab.parameters,
        chart: backup.chart === undefined ? tab.chart : backup.chart,
        revision: tab.revision,
      };
      change({
        sql: backup.sql,
        connectionId: backup.connectionId,
        parameters: backup.parameters,
        chart: backup.chart,
      });
    } else clearBackup(tab.id);
  }, [tab.id]);

  useEffect(() => {
    const flush = () => void push();
    window.addEventListener("pagehide", flush);
    const unregister = registerFlush(push);
    return () => {
      window.removeEventListener("pagehide", flush);
      unregister();
      void push();
    };
  }, [push]);

  return {
    sql,
    connectionId,
    parameters,
    chart,
    status,
    revision: () => current.current.revision,
    setSql: useCallback((value: string) => change({ sql: value }), [change]),
    setConnectionId: useCallback((value: string) => change({ connectionId: value }), [change]),
    setParameters: useCallback((value: ParameterSpec[]) => change({ parameters: value }), [change]),
    setChart: useCallback((value: ChartSpec | null) => change({ chart: value }), [change]),
    /** Replaces the text (e.g. with a saved version) as a new draft revision. */
    replace: change,
    flush: push,
  };
}
