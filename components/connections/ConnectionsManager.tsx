"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { UsePythonButton } from "@/components/python/UsePythonButton";
import { Alert } from "@/components/ui/Alert";
import { deleteConnectionAction, testConnectionAction } from "@/lib/actions/connections";
import type { ConnectionView, DatabricksSignIn } from "@/lib/connections";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { ConnectionForm } from "./ConnectionForm";
import { ConnectLink } from "./ConnectLink";

/** A Databricks connection's snippets connect and run `SELECT 1`: stable objects, so they are built once. */
const CONNECTION_ONLY = { kind: "connection" } as const;
const NO_PARAMETERS: ParameterSpec[] = [];

interface Props {
  connections: ConnectionView[];
  isAdmin: boolean;
  /** Lakebook's OAuth callback URL, which a user-to-machine connection's app must list. */
  callbackUrl: string;
  /** The member's own Databricks sign-ins (user-to-machine connections). */
  signIns: DatabricksSignIn[];
}

export function ConnectionsManager({ connections, isAdmin, callbackUrl, signIns }: Props) {
  const signedInAs = new Map(signIns.map((s) => [s.connectionId, s.workspaceUser]));
  const router = useRouter();
  const [editing, setEditing] = useState<ConnectionView | "new" | null>(null);
  const [status, setStatus] = useState<Record<string, { ok: boolean; text: string }>>({});

  async function test(id: string) {
    setStatus((s) => ({ ...s, [id]: { ok: true, text: "Testing…" } }));
    const result = await testConnectionAction({ id });
    const check = result.ok ? result.data : { ok: false as const, message: result.error };
    setStatus((s) => ({
      ...s,
      [id]: check.ok ? { ok: true, text: check.detail } : { ok: false, text: check.message },
    }));
  }

  async function remove(connection: ConnectionView) {
    if (!window.confirm(`Delete the connection "${connection.name}"?`)) return;
    const result = await deleteConnectionAction({ connectionId: connection.id });
    if (!result.ok) setStatus((s) => ({ ...s, [connection.id]: { ok: false, text: result.error } }));
    router.refresh();
  }

  return (
    <>
      <table className="list" aria-label="Connections">
        <thead>
          <tr>
            <th>Name</th>
            <th>Warehouse</th>
            <th>Access</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td className="small">
                {c.kind === "builtin" ? "DuckDB in this server" : `${c.host}${c.httpPath}`}
                <Alert as="div" inline tone={status[c.id]?.ok ? "notice" : "error"} role="status">
                  {status[c.id]?.text}
                </Alert>
              </td>
              <td>{c.scope === "shared" ? "shared" : "personal"}</td>
              <td className="actions">
                <button type="button" onClick={() => void test(c.id)} aria-label={`Test ${c.name}`}>
                  Test
                </button>
                {c.authType === "oauth-u2m" &&
                  (signedInAs.has(c.id) ? (
                    <span className="muted small">Connected as {signedInAs.get(c.id)}</span>
                  ) : (
                    <ConnectLink connectionId={c.id} label={`Connect ${c.name} with Databricks`} />
                  ))}
                {c.kind === "databricks" && (
                  <UsePythonButton
                    subject={CONNECTION_ONLY}
                    connection={c}
                    parameters={NO_PARAMETERS}
                    label={`Use ${c.name} from Python`}
                  />
                )}
                {c.canManage && (
                  <>
                    <button type="button" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
                      Edit
                    </button>
                    <button type="button" onClick={() => void remove(c)} aria-label={`Delete ${c.name}`}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null ? (
        <p>
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            Add a Databricks connection
          </button>
        </p>
      ) : (
        <ConnectionForm
          key={editing === "new" ? "new" : editing.id}
          existing={editing === "new" ? null : editing}
          isAdmin={isAdmin}
          callbackUrl={callbackUrl}
          onDone={() => {
            setEditing(null);
            router.refresh();
          }}
        />
      )}
    </>
  );
}
