"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { disconnectDatabricksAction } from "@/lib/actions/connections";
import type { DatabricksSignIn } from "@/lib/connections";
import { formatTime } from "@/lib/time";

/**
 * The member's own Databricks sign-ins (OAuth user-to-machine connections):
 * which workspace user each one runs as, since when; Disconnect forgets it.
 */
export function DatabricksSignIns({ initial }: { initial: DatabricksSignIn[] }) {
  const { run, pending, error } = useAction();
  const [signIns, setSignIns] = useState(initial);

  async function disconnect(signIn: DatabricksSignIn) {
    const result = await run(() => disconnectDatabricksAction({ connectionId: signIn.connectionId }));
    if (result?.ok) setSignIns((list) => list.filter((s) => s.connectionId !== signIn.connectionId));
  }

  return (
    <section aria-label="Databricks sign-ins">
      <p className="muted">
        On connections where each member signs in with Databricks, your queries run as your own workspace user. Lakebook
        keeps the sign-in (sealed on the server) until you disconnect.
      </p>
      <Alert>{error}</Alert>
      {signIns.length === 0 ? (
        <p className="muted">You have not connected with Databricks on any connection.</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th>Connection</th>
              <th>Workspace user</th>
              <th>Since</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {signIns.map((s) => (
              <tr key={s.connectionId}>
                <td>{s.connectionName}</td>
                <td>{s.workspaceUser}</td>
                <td>{formatTime(s.since)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => void disconnect(s)}
                    disabled={pending}
                    aria-label={`Disconnect ${s.connectionName}`}
                  >
                    Disconnect
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
