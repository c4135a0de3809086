"use client";

import { useEffect, useState } from "react";
import { formatCount, formatDuration } from "@/lib/results/format";
import type { RunView, StatementView } from "@/lib/results/types";
import { ResultsPanel, type ResultsPanelProps } from "./ResultsPanel";
import { useElapsed, useRun } from "./useRun";

/**
 * A run's results: one panel, or for a script of several statements a tab per
 * statement (its status, rows and time). The last statement's rows are the
 * run's own; an earlier statement's are a stored result of their own, read,
 * paged, sorted and downloaded like any other.
 */
export function RunResults(props: ResultsPanelProps) {
  const run = props.state.run;
  const statements = run?.statements ?? [];
  const [chosen, setChosen] = useState<{ runId: string; index: number } | null>(null);
  if (!run || statements.length < 2) return <ResultsPanel {...props} />;

  const index = chosen?.runId === run.id ? chosen.index : shownFirst(statements);
  const statement = statements[index];
  return (
    <div className="statement-results">
      <div className="statement-tabs" role="tablist" aria-label="Statement results">
        {statements.map((s, i) => (
          <button
            key={i}
            type="button"
            role="tab"
            aria-selected={i === index}
            className={`statement-tab status-${s.status}`}
            title={`Statement ${i + 1}, line ${s.line}`}
            onClick={() => setChosen({ runId: run.id, index: i })}
          >
            {i + 1} · {tabLabel(s)}
          </button>
        ))}
      </div>
      {statement.status !== "skipped" && statement.resultId && statement.resultId !== run.id ? (
        <StatementResult key={statement.resultId} runId={statement.resultId} />
      ) : statement.status !== "skipped" &&
        (index === statements.length - 1 || statement.status === "failed" || statement.status === "cancelled") ? (
        // The run's own panel: the last statement's rows, and the run's error or cancel.
        <ResultsPanel {...props} />
      ) : (
        <StatementOutcome run={run} statement={statement} />
      )}
    </div>
  );
}

/** The tab shown when a run is opened: the statement that failed or was stopped, else the last. */
function shownFirst(statements: StatementView[]): number {
  const stopped = statements.findIndex((s) => s.status === "failed" || s.status === "cancelled");
  return stopped >= 0 ? stopped : statements.length - 1;
}

function tabLabel(s: StatementView): string {
  if (s.status === "skipped") return "not run";
  if (s.status === "running") return "running…";
  if (s.status === "failed") return "failed";
  if (s.status === "cancelled") return "cancelled";
  // "CREATE: done." reads "CREATE"; "INSERT: 2 rows affected." reads "INSERT: 2 rows affected".
  const said = (s.message ?? "done").replace(/: done\.$/, "").replace(/\.$/, "");
  const what = s.resultId ? `${formatCount(s.rowCount)} ${s.rowCount === 1 ? "row" : "rows"}` : said;
  return s.elapsedMs === null ? what : `${what} · ${formatDuration(s.elapsedMs)}`;
}

/** An earlier statement's stored result, read by its own id. */
function StatementResult({ runId }: { runId: string }) {
  const { state, restore, goTo } = useRun("statement");
  const elapsed = useElapsed(state.startedAt, state.run?.status === "running");
  useEffect(() => {
    void restore(runId);
  }, [restore, runId]);
  return (
    <ResultsPanel
      state={state}
      elapsedMs={elapsed}
      onPage={(pageIndex, pageSize) => goTo(pageIndex, pageSize)}
      onSort={(sort) => goTo(0, state.pageSize, sort)}
      onFilter={(filter) => goTo(0, state.pageSize, state.sort, filter)}
    />
  );
}

/** A statement without rows: what it did, or that it did not run. */
function StatementOutcome({ run, statement }: { run: RunView; statement: StatementView }) {
  return (
    <section className="results" aria-label="Results">
      <div className="result-bar">
        <span className={`status status-${statement.status}`} role="status">
          {statement.status === "skipped" ? "Not run" : statement.status === "running" ? "Running…" : "Succeeded"}
        </span>
        {statement.elapsedMs !== null && <span>{formatDuration(statement.elapsedMs)}</span>}
      </div>
      <p className="message">
        {statement.status === "skipped"
          ? run.status === "cancelled"
            ? "The run was cancelled before this statement."
            : "A statement before this one failed, so it did not run."
          : (statement.message ?? "Done.")}
      </p>
    </section>
  );
}
