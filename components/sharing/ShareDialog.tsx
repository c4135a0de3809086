"use client";

import { useCallback, useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { Dialog } from "@/components/ui/Dialog";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/action-result";
import { grantsAction, principalsAction, shareAction, unshareAction } from "@/lib/actions/sharing";
import { type Grant, LEVEL_LABELS, LEVELS, type Level, type ObjectKind, type Principal } from "@/lib/sharing";

/**
 * Who has access to a query (or notebook), and for its managers the controls
 * to add people or groups, change their level, or remove them.
 */
export function ShareDialog({
  kind,
  id,
  ownerName,
  canManage,
  onClose,
}: {
  kind: ObjectKind;
  id: string;
  ownerName: string;
  canManage: boolean;
  onClose(): void;
}) {
  const [grants, setGrants] = useState<Grant[] | null>(null);
  // One caller for the list and every change: each answers with the whole list, and only the latest is shown.
  const { run, error } = useAction();
  const [copied, setCopied] = useState(false);
  const link = `${window.location.origin}/${kind === "query" ? "queries" : "notebooks"}/${id}`;

  const apply = useCallback(
    (call: () => Promise<ActionResult<Grant[]>>) =>
      void run(call, { keepError: true }).then((result) => {
        if (result?.ok) setGrants(result.data);
      }),
    [run],
  );

  useEffect(() => {
    apply(() => grantsAction({ kind, id }));
  }, [kind, id, apply]);

  return (
    <Dialog title="Sharing" open onClose={onClose}>
      <div className="share-link">
        <input readOnly value={link} aria-label="Link" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}>
          {copied ? "Copied" : "Copy link"}
        </button>
      </div>
      <p className="muted small">
        Only the people and groups below can open the link; to anyone else it does not exist.
      </p>
      {canManage && (
        <AddPrincipal onShare={(principal, level) => apply(() => shareAction({ kind, id, principal, level }))} />
      )}
      <Alert>{error}</Alert>
      <ul className="grants" aria-label="People with access">
        <li>
          <span className="grant-name">{ownerName}</span>
          <span className="muted">Owner</span>
          <span className="spacer" />
          <span>{LEVEL_LABELS.manage}</span>
        </li>
        {grants?.map((grant) => (
          <li key={`${grant.principalKind}:${grant.principalId}`}>
            <span className="grant-name">
              {grant.principalKind === "group" ? "👥 " : ""}
              {grant.name}
            </span>
            <span className="muted">{grant.detail}</span>
            <span className="spacer" />
            {canManage ? (
              <>
                <select
                  aria-label={`Access for ${grant.name}`}
                  value={grant.level}
                  onChange={(e) => {
                    const level = e.target.value as Level;
                    apply(() =>
                      shareAction({ kind, id, principal: { kind: grant.principalKind, id: grant.principalId }, level }),
                    );
                  }}
                >
                  {LEVELS.map((level) => (
                    <option key={level} value={level}>
                      {LEVEL_LABELS[level]}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  aria-label={`Remove ${grant.name}`}
                  onClick={() =>
                    apply(() =>
                      unshareAction({ kind, id, principal: { kind: grant.principalKind, id: grant.principalId } }),
                    )
                  }
                >
                  Remove
                </button>
              </>
            ) : (
              <span>{LEVEL_LABELS[grant.level]}</span>
            )}
          </li>
        ))}
        {grants === null && !error && <li className="muted">Loading…</li>}
      </ul>
    </Dialog>
  );
}

function AddPrincipal({
  onShare,
}: {
  onShare(principal: { kind: Principal["kind"]; id: string }, level: Level): void;
}) {
  const [search, setSearch] = useState("");
  const [matches, setMatches] = useState<Principal[]>([]);
  const [chosen, setChosen] = useState<Principal | null>(null);
  const [level, setLevel] = useState<Level>("run");
  // A failed search shows no matches and no message: the box stays usable.
  const { run, forget } = useAction();

  useEffect(() => {
    if (chosen || search.trim().length === 0) {
      setMatches([]);
      return;
    }
    const timer = setTimeout(() => {
      void run(() => principalsAction({ search })).then((result) => {
        if (result?.ok) setMatches(result.data);
      });
    }, 150);
    return () => {
      forget();
      clearTimeout(timer);
    };
  }, [search, chosen, run, forget]);

  return (
    <form
      className="share-add"
      onSubmit={(event) => {
        event.preventDefault();
        if (!chosen) return;
        onShare({ kind: chosen.kind, id: chosen.id }, level);
        setChosen(null);
        setSearch("");
      }}
    >
      <div className="share-search">
        <input
          aria-label="Add people or groups"
          placeholder="Add people or groups"
          value={chosen ? chosen.name : search}
          onChange={(e) => {
            setChosen(null);
            setSearch(e.target.value);
          }}
        />
        {matches.length > 0 && (
          <ul className="share-matches" aria-label="Matches">
            {matches.map((m) => (
              <li key={`${m.kind}:${m.id}`}>
                <button type="button" onClick={() => setChosen(m)}>
                  {m.kind === "group" ? "👥 " : ""}
                  {m.name} <span className="muted">{m.detail}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <select aria-label="Access level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {LEVEL_LABELS[l]}
          </option>
        ))}
      </select>
      <button type="submit" className="primary" disabled={!chosen}>
        Share
      </button>
    </form>
  );
}
