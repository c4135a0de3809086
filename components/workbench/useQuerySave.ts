"use client";

import { useCallback, useMemo, useState } from "react";
import { useAction } from "@/components/ui/use-action";
import { createQueryAction, saveQueryAction } from "@/lib/actions/queries";
import { linkTabAction } from "@/lib/actions/tabs";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { SaveConflict } from "@/lib/queries";
import type { ParameterSpec } from "@/lib/sql/parameters";
import type { EditorTabView } from "@/lib/tabs";
import type { ConflictChoice } from "./ConflictDialog";
import type { QueryDetails } from "./QueryDetailsDialog";

type Draft = {
  sql: string;
  connectionId: string;
  /** The widgets of the text's parameters, saved with the query as its defaults. */
  parameters: ParameterSpec[];
  /** The chart of its result, saved with the query. */
  chart: ChartSpec | null;
  replace(next: { sql?: string; chart?: ChartSpec | null }): void;
  flush(): Promise<void>;
};

/**
 * Saving a tab as a query: a new query, a new version of the query it edits,
 * or — when someone saved in between — the user's choice about the conflict.
 */
export function useQuerySave(tab: EditorTabView, draft: Draft, onTab: (tab: EditorTabView) => void) {
  const [details, setDetails] = useState<{ heading: string; initial: QueryDetails; copy: boolean } | null>(null);
  const [conflict, setConflict] = useState<SaveConflict["theirs"] | null>(null);
  // A save's message stays until the next save answers: the dialog showing it stays open meanwhile.
  const { run, pending: busy, error, setError } = useAction();

  const create = useCallback(
    async (fields: QueryDetails) => {
      const result = await run(
        () =>
          createQueryAction({
            ...fields,
            sql: draft.sql,
            connectionId: draft.connectionId,
            parameters: draft.parameters,
            chart: draft.chart,
            tabId: tab.id,
          }),
        { keepError: true },
      );
      if (!result?.ok) return;
      setDetails(null);
      setConflict(null);
      if (result.data.tab) onTab(result.data.tab);
    },
    [draft.sql, draft.connectionId, draft.parameters, draft.chart, tab.id, onTab, run],
  );

  const saveOver = useCallback(
    async (baseVersion: number, fields: QueryDetails) => {
      if (!tab.query) return;
      const id = tab.query.id;
      const result = await run(
        () =>
          saveQueryAction({
            id,
            baseVersion,
            ...fields,
            sql: draft.sql,
            connectionId: draft.connectionId,
            parameters: draft.parameters,
            chart: draft.chart,
            tabId: tab.id,
          }),
        { keepError: true },
      );
      if (!result?.ok) return;
      if ("conflict" in result.data) return setConflict(result.data.theirs);
      setConflict(null);
      setDetails(null);
      if (result.data.tab) onTab(result.data.tab);
    },
    [tab.query, tab.id, draft.sql, draft.connectionId, draft.parameters, draft.chart, onTab, run],
  );

  const title = tab.query?.savedTitle ?? tab.title;
  const description = tab.query?.description ?? "";
  const current = useMemo(() => ({ title, description }), [title, description]);

  const save = useCallback(() => {
    if (!tab.query) setDetails({ heading: "Save query", initial: { title: "", description: "" }, copy: false });
    else void saveOver(tab.query.baseVersion, current);
  }, [tab.query, saveOver, current]);

  const choose = useCallback(
    async (choice: ConflictChoice) => {
      if (!conflict || !tab.query) return;
      if (choice === "overwrite") return saveOver(conflict.version, current);
      if (choice === "copy") return create({ title: `${current.title} (copy)`, description: current.description });
      draft.replace({ sql: conflict.sql, chart: conflict.chart });
      await draft.flush();
      const queryId = tab.query.id;
      const result = await run(() => linkTabAction({ tabId: tab.id, queryId, version: conflict.version }), {
        keepError: true,
      });
      if (!result?.ok) return;
      setConflict(null);
      onTab(result.data);
    },
    [conflict, tab.query, tab.id, saveOver, create, draft, onTab, current, run],
  );

  return {
    save,
    saveAs: () =>
      setDetails({
        heading: "Save as a new query",
        initial: { ...current, title: `${current.title} (copy)` },
        copy: true,
      }),
    editDetails: () => setDetails({ heading: "Query details", initial: current, copy: false }),
    submitDetails: (fields: QueryDetails) =>
      void (tab.query && details && !details.copy ? saveOver(tab.query.baseVersion, fields) : create(fields)),
    details,
    closeDetails: () => {
      setDetails(null);
      setError(null);
    },
    conflict,
    choose: (choice: ConflictChoice) => void choose(choice),
    closeConflict: () => setConflict(null),
    busy,
    error,
  };
}
