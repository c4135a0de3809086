"use client";

import { useEffect, useState } from "react";
import { Dialog } from "@/components/ui/Dialog";
import { queryVersionAction, queryVersionsAction } from "@/lib/actions/queries";
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
  onLoad(sql: string): void;
  onClose(): void;
}) {
  const [versions, setVersions] = useState<QueryVersionView[] | null>(null);
  const [shown, setShown] = useState<{ version: number; sql: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void queryVersionsAction({ queryId }).then((r) => (r.ok ? setVersions(r.data) : setError(r.error)));
  }, [queryId]);

  const show = (version: number) =>
    void queryVersionAction({ queryId, version }).then((r) =>
      r.ok ? setShown({ version, sql: r.data.sql }) : setError(r.error),
    );

  return (
    <Dialog title="Versions" open onClose={onClose} wide>
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
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
              {canEdit && (
                <button type="button" onClick={() => onLoad(shown.sql)}>
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
