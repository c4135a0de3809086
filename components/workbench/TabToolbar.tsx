"use client";

import { keyLabel, useApple } from "@/components/editor/EditorShortcutsDialog";
import type { RunnerState } from "@/components/results/useRun";
import { ConnectionPicker } from "@/components/ui/ConnectionPicker";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { ConnectionView } from "@/lib/connections";
import { formatDuration } from "@/lib/results/format";
import { LEVEL_LABELS, type Level } from "@/lib/sharing";

/**
 * Between the query bar and the editor: run, format or cancel; what is
 * running and for how long; where the tab's session is; its connection.
 */
export function TabToolbar({
  state,
  running,
  elapsed,
  shownBy,
  place,
  level,
  canRun,
  canEdit,
  connectionId,
  connections,
  onConnectionId,
  onRun,
  onFormat,
  onCancel,
  onShortcuts,
}: {
  state: RunnerState;
  running: boolean;
  elapsed: number;
  /** Who ran the result shown, when it is a saved query's last result rather than the tab's own. */
  shownBy: string | null;
  place: { catalog: string; schema: string; settings: string[] } | null;
  level: Level;
  canRun: boolean;
  canEdit: boolean;
  connectionId: string;
  connections: ConnectionView[];
  onConnectionId(id: string): void;
  onRun(): void;
  onFormat(): void;
  onCancel(): void;
  onShortcuts(): void;
}) {
  const apple = useApple();
  const hydrated = useHydrated();
  return (
    <div className="toolbar">
      <button
        type="button"
        className="primary"
        onClick={onRun}
        disabled={!hydrated || running || !canRun}
        title={
          canRun
            ? `Run the selection or everything (${keyLabel("Mod+Enter", apple)}); the statement under the cursor: ${keyLabel("Mod+Shift+Enter", apple)}`
            : `You have ${LEVEL_LABELS[level]}: running needs Can run`
        }
      >
        ▶ Run
      </button>
      <button
        type="button"
        onClick={onFormat}
        disabled={!canEdit}
        title={`Format the selection, or everything (${keyLabel("Mod+Shift+F", apple)})`}
      >
        Format
      </button>
      {running && (
        <>
          <button type="button" onClick={onCancel} disabled={state.run?.status !== "running"}>
            ■ Cancel
          </button>
          <span className="running" role="status" aria-live="polite">
            <span className="spinner" aria-hidden /> {state.run?.waiting ? "Waiting…" : "Running…"}{" "}
            {formatDuration(elapsed)}
          </span>
        </>
      )}
      {shownBy && !running && <span className="muted">Last result, run by {shownBy}</span>}
      <span className="spacer" />
      {place && (
        <span className="muted session-place" title="Where unqualified table names are looked up (USE changes it)">
          In <code>{`${place.catalog}.${place.schema}`}</code>
          {place.settings.length > 0 && (
            <>
              {" · "}
              <span
                className="session-settings"
                title={`Applied again before each run of this tab:\n${place.settings.join("\n")}`}
              >
                {place.settings.length === 1 ? "1 setting" : `${place.settings.length} settings`}
              </span>
            </>
          )}
        </span>
      )}
      <ConnectionPicker value={connectionId} connections={connections} disabled={!canEdit} onChange={onConnectionId} />
      <button type="button" onClick={onShortcuts}>
        Keyboard shortcuts
      </button>
    </div>
  );
}
