"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { RanWith } from "@/components/results/RanWith";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { historySqlAction } from "@/lib/actions/history";
import { cancelRunAction } from "@/lib/actions/runs";
import { openTabAction } from "@/lib/actions/tabs";
import { type HistoryEntry, STATUS_LABELS, titleFromSql } from "@/lib/history";
import { formatCount, formatDuration } from "@/lib/results/format";

const BUILTIN = "builtin";
/** Collapsed, an entry shows this much of its SQL. */
const SHORT_CHARS = 160;
/** Longer errors are cut to three lines until the entry is expanded. */
const ERROR_CHARS = 120;

export function HistoryRow({ entry, showUser }: { entry: HistoryEntry; showUser: boolean }) {
  const router = useRouter();
  const [expanded, setExpanded] = useState(false);
  const [fullSql, setFullSql] = useState<string | null>(entry.sqlLength <= entry.sql.length ? entry.sql : null);
  const { run, pending: busy, error: problem, setError } = useAction();

  const lines = entry.sql.split("\n");
  const long = entry.sqlLength > SHORT_CHARS || lines.length > 2;
  const errorText = entry.error?.message ?? entry.message ?? "";
  const longError = errorText.length > ERROR_CHARS || errorText.includes("\n");
  const short = long ? `${lines.slice(0, 2).join("\n").slice(0, SHORT_CHARS)}…` : entry.sql;

  /** The whole SQL: the list carries only its start. */
  async function loadSql(): Promise<string | null> {
    if (fullSql !== null) return fullSql;
    const result = await run(() => historySqlAction({ runId: entry.id }));
    if (!result?.ok) return null;
    setFullSql(result.data);
    return result.data;
  }

  async function toggle() {
    setError(null);
    if (!expanded && (await loadSql()) === null) return;
    setExpanded(!expanded);
  }

  async function openInEditor() {
    setError(null);
    const sql = await loadSql();
    if (sql === null) return;
    // A connection the viewer cannot use any more opens on the built-in warehouse instead.
    const connectionId = entry.connectionUsable ? entry.connectionId : BUILTIN;
    const parameters = entry.parameters;
    const result = await run(() => openTabAction({ title: titleFromSql(sql), sql, connectionId, parameters }), {
      keepPending: true,
    });
    if (result?.ok) router.push(`/?tab=${encodeURIComponent(result.data.id)}`);
  }

  /** Members see only their own runs and admins everyone's: whoever sees a running one may stop it. */
  async function cancel() {
    const result = await run(() => cancelRunAction({ runId: entry.id }));
    if (result?.ok) router.refresh();
  }

  const toggleButton = (
    <button type="button" className="link" onClick={() => void toggle()} aria-expanded={expanded}>
      {expanded ? "Show less" : "Show all"}
    </button>
  );

  return (
    <tr data-run-id={entry.id}>
      <td className="nowrap">
        <time dateTime={entry.startedAt} suppressHydrationWarning>
          {new Date(entry.startedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" })}
        </time>
      </td>
      {showUser && <td className="history-user">{entry.userName}</td>}
      <td className={`history-connection${entry.connectionUsable ? "" : " muted"}`}>{entry.connectionName}</td>
      <td className="num nowrap">{entry.durationMs === null ? "—" : formatDuration(entry.durationMs)}</td>
      <td className="num nowrap">
        {entry.hasResult ? formatCount(entry.rowCount) : "—"}
        {entry.truncated && <span className="muted small"> (truncated)</span>}
      </td>
      <td>
        <span className={`status status-${entry.status}`}>
          {entry.waiting ? "Waiting" : STATUS_LABELS[entry.status]}
        </span>
        {errorText && (
          <div className={`history-error${expanded ? " expanded" : ""}`}>
            <span className={`history-error-text ${entry.error ? "error-text" : "muted"}`}>{errorText}</span>
            {longError && !long && toggleButton}
          </div>
        )}
      </td>
      <td className="history-sql-cell">
        <pre className="history-sql">{expanded ? fullSql : short}</pre>
        {long && toggleButton}
        {entry.parameters.length > 0 && <RanWith parameters={entry.parameters} className="small" />}
      </td>
      <td className="actions">
        {entry.status === "running" && (
          <button type="button" onClick={() => void cancel()} disabled={busy}>
            Cancel
          </button>
        )}
        <button type="button" onClick={() => void openInEditor()} disabled={busy}>
          Open in editor
        </button>
        {entry.queryId && (
          <Link className="button" href={`/queries/${entry.queryId}`}>
            Saved query
          </Link>
        )}
        <Alert inline className="small">
          {problem}
        </Alert>
      </td>
    </tr>
  );
}
