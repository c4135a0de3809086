"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createNotebookAction, importNotebookAction } from "@/app/(workspace)/notebooks/actions";
import type { ConnectionView } from "@/lib/connections";
import { newCell } from "@/lib/notebooks/cells";

/** Files larger than this are refused before they are sent. */
const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** Creates an empty notebook, or one from a Jupyter (.ipynb) or .sql file. */
export function NewNotebook({ connections }: { connections: ConnectionView[] }) {
  const router = useRouter();
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? "builtin");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const create = async () => {
    setBusy(true);
    const result = await createNotebookAction({
      title: "Untitled notebook",
      connectionId,
      cells: [newCell("sql", "SELECT * FROM samples.nyctaxi.trips LIMIT 100")],
    });
    if (result.ok) router.push(`/notebooks/${result.data.id}`);
    else setProblem(result.error);
    setBusy(false);
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) return setProblem("That file is larger than 8 MB; split it to import it.");
    setBusy(true);
    const result = await importNotebookAction({ filename: file.name, text: await file.text(), connectionId });
    if (result.ok) router.push(`/notebooks/${result.data.id}`);
    else setProblem(result.error);
    setBusy(false);
  };

  return (
    <div className="toolbar new-notebook">
      <button type="button" className="primary" onClick={() => void create()} disabled={busy}>
        New notebook
      </button>
      <label className="button file-button">
        Import .ipynb or .sql…
        <input
          type="file"
          accept=".ipynb,.sql,application/json,application/x-ipynb+json,text/plain"
          disabled={busy}
          onChange={(event) => {
            void importFile(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
      </label>
      <label className="connection-picker">
        on{" "}
        <select value={connectionId} onChange={(event) => setConnectionId(event.target.value)} aria-label="Connection">
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {problem && (
        <p className="error-banner" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
