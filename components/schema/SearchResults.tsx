"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { searchTablesAction } from "@/lib/actions/catalog";
import { TreeNode } from "./TreeNode";
import type { Names } from "./tree-nodes";

/** How long the search waits for typing to pause before asking the server. */
const SEARCH_DELAY_MS = 250;

type Found = Awaited<ReturnType<typeof searchTablesAction>>;

/** The server's matches for `text`, asked once typing pauses; null while a search is pending. */
export function useSearch(connectionId: string, text: string, generation: number): Found | null {
  const [found, setFound] = useState<{ key: string; result: Found } | null>(null);
  const key = `${connectionId}\n${generation}\n${text}`;
  const { run, forget } = useAction();
  useEffect(() => {
    if (!text) return;
    const timer = setTimeout(() => {
      void run(() => searchTablesAction({ connectionId, text })).then((result) => {
        if (result) setFound({ key, result });
      });
    }, SEARCH_DELAY_MS);
    return () => {
      forget();
      clearTimeout(timer);
    };
  }, [connectionId, text, key, run, forget]);
  return found?.key === key ? found.result : null;
}

export function SearchResults({
  found,
  names,
  onInsert,
}: {
  found: Found | null;
  names: Names;
  onInsert(text: string): void;
}) {
  if (found === null) return <p className="muted tree-msg">Searching…</p>;
  if (!found.ok)
    return (
      <Alert inline className="tree-msg">
        {found.error}
      </Alert>
    );
  const { more } = found.data;
  // Tables of the tab's current schema first: their bare names work in the editor.
  const tables = [...found.data.tables].sort(
    (a, b) => Number(names.isCurrent(b.catalog, b.schema)) - Number(names.isCurrent(a.catalog, a.schema)),
  );
  return (
    <>
      {tables.length === 0 && <p className="muted tree-msg">No table or view has that in its name.</p>}
      <ul className="tree" aria-label="Matching tables">
        {tables.map((t) => {
          const node = names.table(t.catalog, t.schema, t.name, t.kind);
          return (
            <TreeNode
              key={node.key}
              node={{
                ...node,
                detail: t.kind === "view" ? `${t.catalog}.${t.schema} · view` : `${t.catalog}.${t.schema}`,
              }}
              depth={0}
              onInsert={onInsert}
            />
          );
        })}
      </ul>
      {more && (
        <p className="muted tree-msg">
          Showing the first {tables.length} matches; type more of the name to narrow them.
        </p>
      )}
    </>
  );
}
