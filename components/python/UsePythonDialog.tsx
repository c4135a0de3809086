"use client";

import { useMemo, useState } from "react";
import { Dialog } from "@/components/ui/Dialog";
import { type SnippetInput, snippetsFor } from "@/lib/python/snippets";
import "@/components/workbench/dialogs.css";
import "./python.css";

export type UsePythonProps = Omit<SnippetInput, "origin">;

/**
 * "Use from Python": one tab per snippet (lib/python/snippets.ts), each with
 * a Copy button and the one environment variable to set. The snippets are
 * built here, in the browser, from what the page already has: the server's
 * origin as the member sees it, the SQL, the connection's address and the
 * parameter values.
 */
export function UsePythonDialog({ subject, connection, parameters, onClose }: UsePythonProps & { onClose(): void }) {
  const snippets = useMemo(
    () => snippetsFor({ subject, connection, parameters, origin: window.location.origin }),
    [subject, connection, parameters],
  );
  const [chosen, setChosen] = useState(snippets[0]?.kind);
  const [copied, setCopied] = useState<string | null>(null);
  const snippet = snippets.find((s) => s.kind === chosen) ?? snippets[0];

  const copy = async (button: HTMLElement) => {
    if (!snippet) return;
    // Outside the modal dialog the page is inert: the fallback's text area goes inside it.
    const within = button.closest("dialog") ?? document.body;
    setCopied((await copyText(snippet.code, within)) ? snippet.kind : "failed");
  };

  const lakebook = snippet?.env === "LAKEBOOK_TOKEN";
  return (
    <Dialog title="Use from Python" open onClose={onClose} wide>
      <div className="python-tabs" role="tablist" aria-label="Library">
        {snippets.map((s) => (
          <button
            key={s.kind}
            type="button"
            role="tab"
            aria-selected={s.kind === snippet?.kind}
            onClick={() => {
              setChosen(s.kind);
              setCopied(null);
            }}
          >
            {s.label}
          </button>
        ))}
      </div>
      {snippet && (
        <section role="tabpanel" aria-label={snippet.label} className="python-snippet">
          <p className="python-env">
            {snippet.env === null ? (
              <>
                Run the code as it is: the {snippet.language === "python" ? "connector" : "driver"} opens your browser
                to sign in with Databricks, and the code goes straight to the warehouse, without Lakebook, as you. It
                never contains a token.
              </>
            ) : (
              <>
                Set <code>{snippet.env}</code>{" "}
                {lakebook ? (
                  <>
                    to a token you create under{" "}
                    <a href="/account" target="_blank" rel="noopener">
                      your account
                    </a>
                    , then run the code as it is. It never contains a token.
                  </>
                ) : (
                  <>
                    to a personal access token of your own Databricks account: this code goes straight to the warehouse,
                    without Lakebook, as you.
                  </>
                )}
              </>
            )}
          </p>
          <div className="python-actions">
            <code className="python-install">{snippet.install}</code>
            <span className="spacer" />
            <span role="status" aria-live="polite" className="muted small">
              {copied === snippet.kind
                ? "Copied to the clipboard"
                : copied === "failed"
                  ? "The browser refused: select the code and copy it."
                  : ""}
            </span>
            <button type="button" className="primary" onClick={(event) => void copy(event.currentTarget)}>
              Copy
            </button>
          </div>
          <pre className="python-code">
            <code>{snippet.code}</code>
          </pre>
        </section>
      )}
    </Dialog>
  );
}

/**
 * Writes text to the clipboard. The async clipboard exists only on secure
 * pages (https or localhost); a team server on plain http gets the older copy
 * command on a selected, off-screen text area.
 */
async function copyText(text: string, within: HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the copy command
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.left = "-9999px";
  within.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
  }
}
