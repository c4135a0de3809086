"use client";

import { useEffect, useState } from "react";
import { ConnectLink } from "@/components/connections/ConnectLink";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import type { ActionResult } from "@/lib/action-result";
import { listCatalogsAction } from "@/lib/actions/catalog";
import { refreshCompletionsAction } from "@/lib/actions/completions";
import type { ConnectionView } from "@/lib/connections";
import { SearchResults, useSearch } from "./SearchResults";
import { TreeNode } from "./TreeNode";
import { type CurrentPlace, Names } from "./tree-nodes";

/**
 * Catalogs → schemas → tables → columns of one connection, each level loaded
 * when first opened. Typing in the search box asks the warehouse for tables of
 * every catalog by name, opened or not.
 */
export function SchemaBrowser({
  connection,
  place = null,
  onInsert,
}: {
  connection: ConnectionView;
  /** The editor tab's session place: opened at first, and its tables found first by a search. */
  place?: CurrentPlace | null;
  onInsert(text: string): void;
}) {
  const [search, setSearch] = useState("");
  const [generation, setGeneration] = useState(0);
  const [catalogs, setCatalogs] = useState<ActionResult<string[]> | null>(null);
  const { run, forget } = useAction();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the refresh button's signal to reload.
  useEffect(() => {
    setCatalogs(null);
    void run(() => listCatalogsAction({ connectionId: connection.id })).then((result) => {
      if (result) setCatalogs(result);
    });
    return forget;
  }, [connection.id, generation, run, forget]);

  const text = search.trim();
  const found = useSearch(connection.id, text, generation);
  const names = new Names(connection.id, connection.dialect, place);
  const placeKey = place ? `${place.catalog}.${place.schema}` : "";
  const roots = catalogs?.ok ? catalogs.data.map((catalog) => names.catalog(catalog)) : [];
  return (
    <aside className="schema" aria-label="Schema browser">
      <div className="schema-head">
        <h2>Catalog</h2>
        <button
          type="button"
          className="icon"
          onClick={() => {
            setGeneration((g) => g + 1);
            // The editor's completion reads the catalog again too (it keeps names for a minute).
            void refreshCompletionsAction({ connectionId: connection.id });
          }}
          title="Refresh"
          aria-label="Refresh schema"
        >
          ⟳
        </button>
      </div>
      <input
        className="schema-filter"
        type="search"
        placeholder="Search tables"
        aria-label="Search tables"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {text && <SearchResults found={found} names={names} onInsert={onInsert} />}
      {/* Hidden, not unmounted, during a search: what was opened stays open. */}
      <div hidden={Boolean(text)}>
        {catalogs === null && <p className="muted tree-msg">Loading…</p>}
        {catalogs && !catalogs.ok && (
          <Alert inline className="tree-msg">
            {catalogs.error}
          </Alert>
        )}
        {catalogs && !catalogs.ok && catalogs.code === "databricks-sign-in" && (
          <p className="tree-msg">
            <ConnectLink connectionId={connection.id} />
          </p>
        )}
        {/* A new place (after a USE) opens afresh at it. */}
        <ul className="tree" key={`${connection.id}-${generation}-${placeKey}`}>
          {roots.map((node) => (
            <TreeNode key={node.key} node={node} depth={0} onInsert={onInsert} />
          ))}
        </ul>
      </div>
    </aside>
  );
}
