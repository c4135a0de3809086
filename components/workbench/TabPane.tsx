"use client";

import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import type { EditorHandle, ErrorMarker, RunRequest } from "@/components/editor/MonacoSqlEditor";
import { ParameterBar, parameterProblem } from "@/components/editor/ParameterBar";
import { SqlEditor } from "@/components/editor/SqlEditor";
import { savedQueryPython } from "@/components/python/targets";
import { useElapsed, useRun } from "@/components/results/useRun";
import { SchemaBrowser } from "@/components/schema/SchemaBrowser";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { deleteQueryAction } from "@/lib/actions/queries";
import { sameChart } from "@/lib/charts/same-chart";
import type { ConnectionView } from "@/lib/connections";
import type { DraftBackup } from "@/lib/drafts";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { Place } from "@/lib/results/types";
import { atLeast, LEVEL_LABELS } from "@/lib/sharing";
import { findParameters, markerText, type ParameterSpec, specsFor } from "@/lib/sql/parameters";
import type { EditorTabView } from "@/lib/tabs";
import { QueryBar } from "./QueryBar";
import { TabDialogs } from "./TabDialogs";
import { TabResults } from "./TabResults";
import { TabToolbar } from "./TabToolbar";
import { useDraft } from "./useDraft";
import { useQuerySave } from "./useQuerySave";

/** One editor tab: schema on the left, its query bar and editor on top, its results below. */
export function TabPane({
  tab,
  connections,
  onTab,
  onDraft,
  onOpenCopy,
}: {
  tab: EditorTabView;
  connections: ConnectionView[];
  onTab(tab: EditorTabView): void;
  /** Every edit, so that the tab strip and a later return to this tab see the latest text. */
  onDraft(tabId: string, draft: DraftBackup): void;
  onOpenCopy(draft: { title: string; sql: string; connectionId: string; chart: ChartSpec | null }): void;
}) {
  const draft = useDraft(tab, (d) => onDraft(tab.id, d));
  const connection = connections.find((c) => c.id === draft.connectionId);
  const dialect = connection?.dialect ?? "duckdb";
  // The widgets follow the text: one per `:name` found by the tokenizer (typing stays responsive on long texts).
  const typedSql = useDeferredValue(draft.sql);
  const names = useMemo(() => findParameters(typedSql, dialect), [typedSql, dialect]);
  const specs = useMemo(() => specsFor(names, draft.parameters), [names, draft.parameters]);
  const [shownProblems, setShownProblems] = useState<ReadonlySet<string>>(new Set());
  const saving = useQuerySave(tab, { ...draft, parameters: specs }, onTab);
  const { state, start, cancel, goTo, restore } = useRun(tab.id);
  const place = sessionPlace(tab, state.run?.place ?? null, draft.connectionId);
  const [dialog, setDialog] = useState<"share" | "versions" | "shortcuts" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const deleting = useAction();
  const editor = useRef<EditorHandle>(null);
  const [origin, setOrigin] = useState({ line: 1, column: 1 });
  const running = state.starting || state.run?.status === "running";
  const elapsed = useElapsed(state.startedAt, running);
  const query = tab.query;
  const level = query?.level ?? "manage";
  const canEdit = atLeast(level, "edit");
  const canRun = atLeast(level, "run");
  const python = useMemo(
    () => savedQueryPython(query, connections, draft.parameters),
    [query, connections, draft.parameters],
  );
  const dirty =
    query !== null &&
    (draft.sql !== query.savedSql ||
      draft.connectionId !== query.savedConnectionId ||
      (canEdit && sameSpecs(specs, specsFor(names, query.savedParameters)) === false) ||
      (canEdit && !sameChart(draft.chart, query.savedChart)));

  // The tab's own last run comes back with it; a saved query opened fresh shows the query's last result.
  const [shownBy, setShownBy] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the tab is first shown
  useEffect(() => {
    const runId = tab.lastRunId ?? query?.lastRunId;
    if (!runId) return;
    if (!tab.lastRunId) setShownBy(query?.lastRunBy ?? null);
    void restore(runId);
  }, [tab.id]);

  const run = useCallback(
    (request: RunRequest) => {
      if (!canRun) {
        setNotice(`You have ${LEVEL_LABELS[level]} on this query, so you cannot run it. Open a copy to run your own.`);
        return;
      }
      // Every parameter of what runs needs a value of its type; the run does not start otherwise.
      const needed = specsFor(findParameters(request.sql, dialect), draft.parameters);
      const wrong = needed.filter((spec) => parameterProblem(spec) !== null);
      setShownProblems(new Set(wrong.map((spec) => spec.name)));
      if (wrong.length > 0) {
        setNotice(`Parameter ${markerText(wrong[0].name)}: ${parameterProblem(wrong[0])}`);
        return;
      }
      setNotice(null);
      setShownBy(null);
      setOrigin({ line: request.startLine, column: request.startColumn });
      void start(request.sql, draft.connectionId, query?.id ?? null, needed);
    },
    [canRun, level, start, draft.connectionId, draft.parameters, dialect, query?.id],
  );

  const remove = async () => {
    if (!query || !window.confirm(`Delete the query "${query.savedTitle}" for everyone it is shared with?`)) return;
    setNotice(null);
    const result = await deleting.run(() => deleteQueryAction({ queryId: query.id }));
    if (!result?.ok) return;
    onTab({ ...tab, title: query.savedTitle, sql: draft.sql, connectionId: draft.connectionId, query: null });
  };

  const error = state.run?.error;
  const marker: ErrorMarker | null =
    error?.line !== undefined && error.column !== undefined
      ? {
          message: error.message,
          line: error.line + origin.line - 1,
          column: error.line === 1 ? error.column + origin.column - 1 : error.column,
        }
      : null;

  return (
    <div className="workbench">
      {connection ? (
        <SchemaBrowser
          connection={connection}
          place={place}
          onInsert={(text) => canEdit && editor.current?.insert(text)}
        />
      ) : (
        <aside className="schema" />
      )}
      <main className="main">
        <QueryBar
          tab={tab}
          dirty={dirty}
          status={draft.status}
          busy={saving.busy}
          onSave={saving.save}
          onSaveAs={saving.saveAs}
          onDetails={saving.editDetails}
          onShare={() => setDialog("share")}
          onVersions={() => setDialog("versions")}
          python={python}
          onDelete={() => void remove()}
          onOpenCopy={() =>
            onOpenCopy({
              title: `${query?.savedTitle ?? tab.title} (copy)`,
              sql: draft.sql,
              connectionId: draft.connectionId,
              chart: draft.chart,
            })
          }
        />
        <TabToolbar
          state={state}
          running={running}
          elapsed={elapsed}
          shownBy={shownBy}
          place={place}
          level={level}
          canRun={canRun}
          canEdit={canEdit}
          connectionId={draft.connectionId}
          connections={connections}
          onConnectionId={draft.setConnectionId}
          onRun={() => run({ sql: draft.sql, startLine: 1, startColumn: 1 })}
          onFormat={() => editor.current?.format()}
          onCancel={() => void cancel()}
          onShortcuts={() => setDialog("shortcuts")}
        />
        <Alert>{notice ?? deleting.error ?? saving.error}</Alert>
        <ParameterBar
          specs={specs}
          onChange={(next) => {
            draft.setParameters(next);
            setShownProblems(new Set());
          }}
          canEditTypes={canEdit}
          canChangeValues={canRun}
          shown={shownProblems}
        />
        <div className="editor">
          <SqlEditor
            value={draft.sql}
            onChange={draft.setSql}
            onRun={run}
            onSave={canEdit ? saving.save : undefined}
            readOnly={!canEdit}
            marker={marker}
            handle={editor}
            connectionId={connection?.id}
            place={place}
            dialect={connection?.dialect}
            runStatement
            onNotice={setNotice}
          />
        </div>
        <TabResults
          results={{
            state,
            elapsedMs: elapsed,
            onPage: (pageIndex, pageSize) => goTo(pageIndex, pageSize),
            onSort: (sort) => goTo(0, state.pageSize, sort),
            onFilter: (filter) => goTo(0, state.pageSize, state.sort, filter),
            emptyMessage: canRun
              ? undefined
              : "Nobody has run this query since it was saved, so there is no result to show yet.",
          }}
          chart={draft.chart}
          canEdit={canEdit}
          onChart={draft.setChart}
        />
      </main>
      <TabDialogs
        dialog={dialog}
        saving={saving}
        query={query}
        level={level}
        canEdit={canEdit}
        mine={draft.sql}
        onLoad={(version) => {
          draft.replace(version);
          setDialog(null);
        }}
        onClose={() => setDialog(null)}
      />
    </div>
  );
}

function sameSpecs(a: ParameterSpec[], b: ParameterSpec[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The catalog and schema the tab's next run starts in, and the settings
 * applied again before it: where its last run ended (after a USE or SET),
 * else what the tab kept, else the built-in warehouse's default; null when
 * unknown (a Databricks connection's default).
 */
function sessionPlace(
  tab: EditorTabView,
  ran: Place | null,
  connectionId: string,
): { catalog: string; schema: string; settings: string[] } | null {
  const kept = tab.place?.connectionId === connectionId ? tab.place : null;
  const place = ran ?? kept ?? (connectionId === "builtin" ? { catalog: "workspace", schema: "default" } : null);
  return place ? { catalog: place.catalog, schema: place.schema, settings: place.settings ?? [] } : null;
}
