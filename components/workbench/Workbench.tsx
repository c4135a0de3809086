"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { EditorHandle, ErrorMarker, RunRequest } from "@/components/editor/MonacoSqlEditor";
import { SqlEditor } from "@/components/editor/SqlEditor";
import { ResultsPanel } from "@/components/results/ResultsPanel";
import { useElapsed, useRun } from "@/components/results/useRun";
import { SchemaBrowser } from "@/components/schema/SchemaBrowser";
import type { ConnectionView } from "@/lib/connections";
import { formatDuration } from "@/lib/results/format";

const DRAFT_KEY = "lakebook.draft.main";
const STARTER_SQL =
  "-- Press Ctrl+Enter (⌘+Enter on a Mac) to run. Select text to run only that.\nSELECT * FROM samples.nyctaxi.trips LIMIT 1000;\n";

const CONNECTION_KEY = "lakebook.connection";

/** The SQL explorer: schema on the left, editor on top, results below. */
export function Workbench({ connections }: { connections: ConnectionView[] }) {
  const [sql, setSql] = useState<string | null>(null);
  const [connectionId, setConnectionId] = useState(connections[0].id);
  const connection = connections.find((c) => c.id === connectionId) ?? connections[0];
  const editor = useRef<EditorHandle>(null);
  const { state, start, cancel, goTo } = useRun("main");
  const [origin, setOrigin] = useState({ line: 1, column: 1 });
  const running = state.starting || state.run?.status === "running";
  const elapsed = useElapsed(state.startedAt, running);

  // The draft is kept in this browser so a reload never loses typed text.
  useEffect(() => {
    setSql(localStorage.getItem(DRAFT_KEY) ?? STARTER_SQL);
    const remembered = localStorage.getItem(CONNECTION_KEY);
    if (remembered && connections.some((c) => c.id === remembered)) setConnectionId(remembered);
  }, [connections]);
  const onChange = useCallback((value: string) => {
    setSql(value);
    localStorage.setItem(DRAFT_KEY, value);
  }, []);

  const run = useCallback(
    (request: RunRequest) => {
      setOrigin({ line: request.startLine, column: request.startColumn });
      void start(request.sql, connection.id);
    },
    [start, connection.id],
  );

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
      <SchemaBrowser connection={connection} onInsert={(text) => editor.current?.insert(text)} />
      <main className="main">
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            onClick={() => run({ sql: sql ?? "", startLine: 1, startColumn: 1 })}
            disabled={running || sql === null}
            title="Run (Ctrl+Enter)"
          >
            ▶ Run
          </button>
          {running && (
            <>
              <button type="button" onClick={() => void cancel()} disabled={state.run?.status !== "running"}>
                ■ Cancel
              </button>
              <span className="running" role="status" aria-live="polite">
                <span className="spinner" aria-hidden /> Running… {formatDuration(elapsed)}
              </span>
            </>
          )}
          <span className="spacer" />
          <label className="connection-picker">
            Connection{" "}
            <select
              value={connection.id}
              onChange={(event) => {
                setConnectionId(event.target.value);
                localStorage.setItem(CONNECTION_KEY, event.target.value);
              }}
            >
              {connections.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.scope === "personal" ? " (personal)" : ""}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="editor">
          {sql !== null && <SqlEditor value={sql} onChange={onChange} onRun={run} marker={marker} handle={editor} />}
        </div>
        <ResultsPanel
          state={state}
          elapsedMs={elapsed}
          onPage={(pageIndex, pageSize) => goTo(pageIndex, pageSize)}
          onSort={(sort) => goTo(0, state.pageSize, sort)}
        />
      </main>
    </div>
  );
}
