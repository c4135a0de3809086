"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { Dialog } from "@/components/ui/Dialog";
import { useAction } from "@/components/ui/use-action";
import { queryVersionAction, queryVersionsAction } from "@/lib/actions/queries";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { QueryVersionView } from "@/lib/queries";
import { formatTime } from "@/lib/time";

/** The saved versions of a query; one can be shown, and editors can load it into the tab to restore it. */
export function VersionsDialog({
  queryId,
  canEdit,
  onLoad,
  onClose,
}: {
  queryId: string;
  canEdit: boolean;
  onLoad(version: { sql: string; chart: ChartSpec | null }): void;
  onClose(): void;
}) {
  const [versions, setVersions] = useState<QueryVersionView[] | null>(null);
  const [shown, setShown] = useState<{ version: number; sql: string; chart: ChartSpec | null } | null>(null);
  const listing = useAction();
  // Clicking through versions quickly shows the last one clicked, whichever answer comes first.
  const showing = useAction();
  const { run: list, forget } = listing;

  useEffect(() => {
    void list(() => queryVersionsAction({ queryId })).then((r) => r?.ok && setVersions(r.data));
    return forget;
  }, [queryId, list, forget]);

  const show = (version: number) =>
    void showing
      .run(() => queryVersionAction({ queryId, version }), { keepError: true })
      .then((r) => r?.ok && setShown({ version, sql: r.data.sql, chart: r.data.chart }));
  const error = showing.error ?? listing.error;

  return (
    <Dialog title="Versions" open onClose={onClose} wide>
      <Alert>{error}</Alert>
      <div className="versions">
        <ol aria-label="Saved versions">
          {versions?.map((v) => (
            <li key={v.version}>
              <button
                type="button"
                aria-current={shown?.version === v.version ? "true" : undefined}
                onClick={() => show(v.version)}
              >
                <strong>Version {v.version}</strong> {v.title}
                <span className="muted small">
                  {formatTime(v.savedAt)} · {v.savedByName ?? "(removed user)"}
                </span>
              </button>
            </li>
          ))}
        </ol>
        <div className="version-sql">
          {shown ? (
            <>
              <h3 className="small">SQL of version {shown.version}</h3>
              <pre>{shown.sql}</pre>
              {shown.chart && (
                <p className="muted small">
                  With a {shown.chart.kind} chart of {shown.chart.y.join(", ")} by {shown.chart.x}.
                </p>
              )}
              {canEdit && (
                <button type="button" onClick={() => onLoad({ sql: shown.sql, chart: shown.chart })}>
                  Load version {shown.version} into the editor
                </button>
              )}
            </>
          ) : (
            <p className="muted">Choose a version to see its SQL.</p>
          )}
        </div>
      </div>
    </Dialog>
  );
}
