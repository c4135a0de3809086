"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { type ActionResult, failed } from "@/lib/action-result";
import { createNotebookAction } from "@/lib/actions/notebooks";
import type { ConnectionView } from "@/lib/connections";
import { newCell } from "@/lib/notebooks/cells";
import { fileTooLarge, MAX_IMPORT_BYTES } from "@/lib/notebooks/limits";

/** Sends the file as it is (no JSON around it) to the import route; the server answers like an action. */
async function importNotebookFile(file: File, connectionId: string): Promise<ActionResult<{ id: string }>> {
  const params = new URLSearchParams({ filename: file.name, connection: connectionId });
  try {
    const response = await fetch(`/api/notebooks/import?${params}`, {
      method: "POST",
      body: file,
      headers: { "Content-Type": "application/octet-stream" },
    });
    const type = response.headers.get("content-type") ?? "";
    if (type.startsWith("application/json")) return (await response.json()) as ActionResult<{ id: string }>;
    return failed(`The server could not import the file (HTTP ${response.status}). Try again.`, "internal");
  } catch {
    return failed("The server could not be reached. Check your connection and try again.", "internal");
  }
}

/** Creates an empty notebook, or one from a Jupyter (.ipynb) or .sql file. */
export function NewNotebook({ connections }: { connections: ConnectionView[] }) {
  const router = useRouter();
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? "builtin");
  // Still busy after a success: the new notebook's page is on its way.
  const { run, pending: busy, error: problem, setError } = useAction();

  const create = async () => {
    const result = await run(
      () =>
        createNotebookAction({
          title: "Untitled notebook",
          connectionId,
          cells: [newCell("sql", "SELECT * FROM samples.nyctaxi.trips LIMIT 100")],
        }),
      { keepPending: true },
    );
    if (result?.ok) router.push(`/notebooks/${result.data.id}`);
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) return setError(fileTooLarge(file.size));
    const result = await run(() => importNotebookFile(file, connectionId), { keepPending: true });
    if (result?.ok) router.push(`/notebooks/${result.data.id}`);
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
      <Alert>{problem}</Alert>
    </div>
  );
}
