"use client";

import type React from "react";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { saveConnectionAction, testConnectionAction } from "@/lib/actions/connections";
import type { ConnectionView } from "@/lib/connections";

type AuthType = "token" | "oauth-m2m" | "oauth-u2m";

/** What each authentication means, under the select: its options stay short enough to read when closed. */
const AUTH_NOTES: Record<AuthType, string> = {
  token: "Every statement runs with this one personal access token, whoever runs it.",
  "oauth-m2m":
    "OAuth machine-to-machine: every statement runs as a service principal, with tokens from the workspace's OAuth server.",
  "oauth-u2m":
    "OAuth user-to-machine: each member signs in with Databricks once, and their queries run as their own workspace user.",
};

interface Props {
  existing: ConnectionView | null;
  isAdmin: boolean;
  /** Lakebook's OAuth callback URL: a user-to-machine connection's app must list it as a redirect URL. */
  callbackUrl: string;
  onDone(): void;
}

/** Adds or edits a Databricks SQL warehouse connection. The stored secret is never shown, only replaced. */
export function ConnectionForm({ existing, isAdmin, callbackUrl, onDone }: Props) {
  const [authType, setAuthType] = useState<AuthType>(existing?.authType ?? "token");
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  // Testing and saving share the busy flag; the answer to the latest of them is the one shown.
  const { run, pending: busy } = useAction();
  // Changing where the connection goes needs the secret typed again (the server refuses otherwise).
  const [moved, setMoved] = useState(false);

  function values(form: HTMLFormElement) {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "");
    return {
      ...(existing ? { id: existing.id } : {}),
      name: text("name"),
      host: text("host"),
      port: Number(text("port") || 443),
      httpPath: text("httpPath"),
      authType,
      clientId: text("clientId") || undefined,
      secret: text("secret") || undefined,
      defaultCatalog: text("defaultCatalog") || undefined,
      defaultSchema: text("defaultSchema") || undefined,
      cloudFetch: data.get("cloudFetch") === "on",
      scope: text("scope") === "shared" ? ("shared" as const) : ("personal" as const),
    };
  }

  async function test(event: React.MouseEvent<HTMLButtonElement>) {
    const form = event.currentTarget.form;
    if (!form?.reportValidity()) return;
    setResult({ ok: true, text: "Testing…" });
    const answer = await run(() => testConnectionAction(values(form)));
    if (!answer) return;
    if (!answer.ok) setResult({ ok: false, text: answer.error });
    else setResult(answer.data.ok ? { ok: true, text: answer.data.detail } : { ok: false, text: answer.data.message });
  }

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const answer = await run(() => saveConnectionAction(values(form)));
    if (answer?.ok) onDone();
    else if (answer) setResult({ ok: false, text: answer.error });
  }

  function noteMove(form: HTMLFormElement) {
    if (!existing) return;
    const next = values(form);
    setMoved(
      next.host.trim().toLowerCase() !== existing.host ||
        next.port !== existing.port ||
        next.httpPath.trim() !== existing.httpPath ||
        next.authType !== existing.authType ||
        (next.authType !== "token" && (next.clientId ?? "").trim() !== (existing.clientId ?? "")),
    );
  }

  const secretLabel =
    authType === "token"
      ? "Personal access token"
      : authType === "oauth-u2m"
        ? "Client secret (only for a confidential app)"
        : "Client secret";
  const stored = existing?.secretHint !== undefined && existing?.secretHint !== null;
  const keepStored = stored && !moved;
  // A user-to-machine app may be public: no secret at all.
  const secretRequired = !keepStored && authType !== "oauth-u2m";
  return (
    <form
      className="connection-form"
      onSubmit={save}
      onChange={(event) => noteMove(event.currentTarget)}
      aria-label={existing ? `Edit ${existing.name}` : "New connection"}
    >
      <h2>{existing ? `Edit ${existing.name}` : "New Databricks connection"}</h2>
      <label>
        Name
        <input name="name" required defaultValue={existing?.name} placeholder="Production warehouse" />
      </label>
      <label>
        Server hostname
        <input name="host" required defaultValue={existing?.host} placeholder="adb-1234567890.12.azuredatabricks.net" />
      </label>
      <label>
        Port
        <input name="port" type="number" min={1} max={65535} defaultValue={existing?.port ?? 443} />
      </label>
      <label>
        HTTP path
        <input name="httpPath" required defaultValue={existing?.httpPath} placeholder="/sql/1.0/warehouses/abc123" />
      </label>
      <label>
        Authentication
        <select
          name="authType"
          value={authType}
          onChange={(e) => setAuthType(e.target.value as AuthType)}
          aria-describedby="auth-note"
        >
          <option value="token">Personal access token</option>
          <option value="oauth-m2m">OAuth, service principal (M2M)</option>
          <option value="oauth-u2m">OAuth, each member signs in (U2M)</option>
        </select>
      </label>
      <p className="field-note" id="auth-note">
        {AUTH_NOTES[authType]}
      </p>
      {authType !== "token" && (
        <label>
          {authType === "oauth-u2m" ? "OAuth app client ID" : "Client ID"}
          <input name="clientId" required defaultValue={existing?.clientId ?? ""} autoComplete="off" />
        </label>
      )}
      {authType === "oauth-u2m" && (
        <p className="field-note" id="redirect-url">
          Register Lakebook as an OAuth app in the Databricks account (scopes <code>all-apis</code> and{" "}
          <code>offline_access</code>) with this redirect URL: <code>{callbackUrl}</code>.
        </p>
      )}
      <label>
        {secretLabel}
        <input
          name="secret"
          type="password"
          autoComplete="new-password"
          required={secretRequired}
          aria-describedby={stored && moved ? "secret-again" : undefined}
          placeholder={
            keepStored
              ? `Stored${existing?.secretHint ? ` (ends in ${existing.secretHint})` : ""}; type to replace`
              : ""
          }
        />
      </label>
      {stored && moved && (
        <p id="secret-again" className="field-note">
          A changed hostname, port, HTTP path, authentication or client ID needs the{" "}
          {authType === "token" ? "token" : "client secret"} again: the stored one stays with the old warehouse.
          {authType === "oauth-u2m" && " Members connect with Databricks again."}
        </p>
      )}
      <label>
        Default catalog
        <input name="defaultCatalog" defaultValue={existing?.defaultCatalog ?? ""} placeholder="main" />
      </label>
      <label>
        Default schema
        <input name="defaultSchema" defaultValue={existing?.defaultSchema ?? ""} placeholder="default" />
      </label>
      <label className="checkbox">
        <input
          name="cloudFetch"
          type="checkbox"
          defaultChecked={existing?.cloudFetch ?? true}
          aria-describedby="cloud-fetch-note"
        />
        CloudFetch
      </label>
      <p id="cloud-fetch-note" className="field-note">
        Large results come from the workspace's cloud storage, which this server must be able to reach. Off: every
        result comes through the warehouse (slower for large results).
      </p>
      <label>
        Who can use it
        <select name="scope" defaultValue={existing?.scope ?? (isAdmin ? "shared" : "personal")}>
          {isAdmin && <option value="shared">All members (shared)</option>}
          <option value="personal">Only me (personal)</option>
        </select>
      </label>
      <Alert tone={result?.ok ? "notice" : "error"} role="status">
        {result?.text}
      </Alert>
      <div className="form-buttons">
        <button type="button" onClick={test} disabled={busy}>
          Test connection
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
