"use client";

import type React from "react";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { createTokenAction, revokeTokenAction } from "@/lib/actions/tokens";
import { DEFAULT_TOKEN_DAYS, SCOPE_LABELS, TOKEN_SCOPES, type TokenScope, type TokenView } from "@/lib/api-tokens";

const EXPIRIES = [7, 30, DEFAULT_TOKEN_DAYS, 180, 365];

/**
 * Personal API tokens: make one (shown once), see them with when they were
 * last used, revoke them. With `all`, an admin's list of every member's tokens.
 */
export function ApiTokens({ initial, all = false }: { initial: TokenView[]; all?: boolean }) {
  const { run, pending, error } = useAction();
  const [tokens, setTokens] = useState(initial);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const formElement = event.currentTarget;
    const scopes = TOKEN_SCOPES.filter((s) => form.get(`scope-${s}`) === "on");
    const result = await run(() =>
      createTokenAction({ name: String(form.get("name") ?? ""), days: Number(form.get("days")), scopes }),
    );
    if (!result?.ok) return;
    formElement.reset();
    setCopied(false);
    setCreated({ token: result.data.token, name: result.data.view.name });
    setTokens((list) => [result.data.view, ...list]);
  }

  async function revoke(token: TokenView) {
    const result = await run(() => revokeTokenAction({ tokenId: token.id }));
    if (!result?.ok) return;
    setTokens((list) =>
      list.map((t) => (t.id === token.id ? { ...t, state: "revoked", revokedAt: new Date().toISOString() } : t)),
    );
  }

  async function copy(text: string) {
    await navigator.clipboard.writeText(text).catch(() => {});
    setCopied(true);
  }

  return (
    <section className="api-tokens" aria-label={all ? "Every member's API tokens" : "API tokens"}>
      {!all && (
        <>
          <p className="muted">
            A token lets your scripts and notebooks read results and run queries as you, through the{" "}
            <a href="/api-docs">Lakebook API</a>. Send it only in the <code>Authorization: Bearer</code> header; keep it
            in an environment variable such as <code>LAKEBOOK_TOKEN</code>, never in code or a URL.
          </p>
          {created && (
            <div className="token-once" role="status">
              <p>
                <strong>Copy your new token “{created.name}” now.</strong> It is shown only this once; Lakebook keeps
                only a hash of it.
              </p>
              <div className="token-once-row">
                <code data-testid="new-token">{created.token}</code>
                <button type="button" onClick={() => void copy(created.token)}>
                  {copied ? "Copied" : "Copy"}
                </button>
              </div>
              <p className="muted small">
                In a shell: <code>export LAKEBOOK_TOKEN=…</code> (paste the token after the equals sign).
              </p>
              <button type="button" className="link" onClick={() => setCreated(null)}>
                I have stored it
              </button>
            </div>
          )}
          <form className="form token-form" onSubmit={create} aria-label="Create a token">
            <label>
              Name
              <input name="name" maxLength={100} required placeholder="e.g. laptop pandas, nightly report" />
            </label>
            <label>
              Expires after
              <select name="days" defaultValue={DEFAULT_TOKEN_DAYS}>
                {EXPIRIES.map((d) => (
                  <option key={d} value={d}>
                    {d === 365 ? "1 year" : `${d} days`}
                  </option>
                ))}
              </select>
            </label>
            <fieldset>
              <legend>It may</legend>
              {TOKEN_SCOPES.map((scope) => (
                <label key={scope} className="check">
                  <input type="checkbox" name={`scope-${scope}`} defaultChecked={scope !== "sql"} />
                  {SCOPE_LABELS[scope]}
                </label>
              ))}
            </fieldset>
            <button type="submit" className="primary" disabled={pending}>
              Create token
            </button>
          </form>
        </>
      )}
      <Alert>{error}</Alert>
      {tokens.length === 0 ? (
        <p className="muted">{all ? "No member has a token." : "You have no tokens."}</p>
      ) : (
        <table className="list tokens-table">
          <thead>
            <tr>
              {all && <th>Member</th>}
              <th>Name</th>
              <th>Token</th>
              <th>May</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-state={t.state}>
                {all && <td title={t.ownerEmail}>{t.ownerName}</td>}
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.scopes.map((s: TokenScope) => s).join(", ")}</td>
                <td>{day(t.createdAt)}</td>
                <td>{t.lastUsedAt ? day(t.lastUsedAt) : "never"}</td>
                <td>{t.state === "active" ? day(t.expiresAt) : t.state}</td>
                <td>
                  {t.state === "active" && (
                    <button
                      type="button"
                      onClick={() => void revoke(t)}
                      disabled={pending}
                      aria-label={`Revoke ${t.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
