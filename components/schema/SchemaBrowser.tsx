"use client";

import { useCallback, useEffect, useState } from "react";
import type { ActionResult } from "@/lib/action-result";
import {
  listCatalogsAction,
  listColumnsAction,
  listSchemasAction,
  listTablesAction,
  searchTablesAction,
} from "@/lib/actions/catalog";
import type { ConnectionView } from "@/lib/connections";
import { quoteIdentifier } from "@/lib/sql/identifiers";
import type { SqlDialect } from "@/lib/sql/split";

interface Node {
  key: string;
  label: string;
  detail?: string;
  /** What clicking the name inserts into the editor. */
  insert: string;
  load?: () => Promise<ActionResult<Node[]>>;
}

/** How long the search waits for typing to pause before asking the server. */
const SEARCH_DELAY_MS = 250;

type Found = Awaited<ReturnType<typeof searchTablesAction>>;

/**
 * Catalogs → schemas → tables → columns of one connection, each level loaded
 * when first opened. Typing in the search box asks the warehouse for tables of
 * every catalog by name, opened or not.
 */
export function SchemaBrowser({ connection, onInsert }: { connection: ConnectionView; onInsert(text: string): void }) {
  const [search, setSearch] = useState("");
  const [generation, setGeneration] = useState(0);
  const [catalogs, setCatalogs] = useState<ActionResult<string[]> | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the refresh button's signal to reload.
  useEffect(() => {
    let current = true;
    setCatalogs(null);
    void listCatalogsAction({ connectionId: connection.id }).then((result) => {
      if (current) setCatalogs(result);
    });
    return () => {
      current = false;
    };
  }, [connection.id, generation]);

  const text = search.trim();
  const found = useSearch(connection.id, text, generation);
  const names = new Names(connection.id, connection.dialect);
  const roots = catalogs?.ok ? catalogs.data.map((catalog) => names.catalog(catalog)) : [];
  return (
    <aside className="schema" aria-label="Schema browser">
      <div className="schema-head">
        <h2>Catalog</h2>
        <button
          type="button"
          className="icon"
          onClick={() => setGeneration((g) => g + 1)}
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
          <p className="error-text tree-msg" role="alert">
            {catalogs.error}
          </p>
        )}
        <ul className="tree" key={`${connection.id}-${generation}`}>
          {roots.map((node) => (
            <TreeNode key={node.key} node={node} depth={0} onInsert={onInsert} />
          ))}
        </ul>
      </div>
    </aside>
  );
}

/** The server's matches for `text`, asked once typing pauses; null while a search is pending. */
function useSearch(connectionId: string, text: string, generation: number): Found | null {
  const [found, setFound] = useState<{ key: string; result: Found } | null>(null);
  const key = `${connectionId}\n${generation}\n${text}`;
  useEffect(() => {
    if (!text) return;
    let current = true;
    const timer = setTimeout(() => {
      void searchTablesAction({ connectionId, text }).then((result) => {
        if (current) setFound({ key, result });
      });
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [connectionId, text, key]);
  return found?.key === key ? found.result : null;
}

function SearchResults({
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
      <p className="error-text tree-msg" role="alert">
        {found.error}
      </p>
    );
  const { tables, more } = found.data;
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

function TreeNode({ node, depth, onInsert }: { node: Node; depth: number; onInsert(text: string): void }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<Node[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const toggle = useCallback(async () => {
    if (!node.load) return;
    const next = !open;
    setOpen(next);
    if (next && children === null) {
      setLoading(true);
      const result = await node.load();
      setLoading(false);
      if (result.ok) setChildren(result.data);
      else setError(result.error);
    }
  }, [node, open, children]);

  return (
    <li>
      <div className="tree-row" style={{ paddingLeft: `${depth * 14 + 4}px` }}>
        {node.load ? (
          <button
            type="button"
            className="twisty"
            onClick={toggle}
            aria-label={`${open ? "Collapse" : "Expand"} ${node.label}`}
          >
            {open ? "▾" : "▸"}
          </button>
        ) : (
          <span className="twisty" />
        )}
        <button
          type="button"
          className="tree-name"
          onClick={() => onInsert(node.insert)}
          title={`Insert ${node.insert}`}
        >
          {node.label}
        </button>
        {node.detail && <span className="tree-detail">{node.detail}</span>}
      </div>
      {open && (
        <ul>
          {loading && <li className="muted tree-msg">Loading…</li>}
          {error && <li className="error-text tree-msg">{error}</li>}
          {children?.length === 0 && <li className="muted tree-msg">(empty)</li>}
          {children?.map((child) => (
            <TreeNode key={child.key} node={child} depth={depth + 1} onInsert={onInsert} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Tree nodes of one connection: what each loads and what clicking it inserts. */
class Names {
  constructor(
    private readonly connectionId: string,
    private readonly dialect: SqlDialect,
  ) {}

  private quote(...parts: string[]): string {
    return parts.map((part) => quoteIdentifier(part, this.dialect)).join(".");
  }

  catalog(catalog: string): Node {
    const connectionId = this.connectionId;
    return {
      key: catalog,
      label: catalog,
      insert: this.quote(catalog),
      load: async () =>
        mapResult(await listSchemasAction({ connectionId, catalog }), (schemas) =>
          schemas.map((s) => this.schema(catalog, s)),
        ),
    };
  }

  schema(catalog: string, schema: string): Node {
    const connectionId = this.connectionId;
    return {
      key: `${catalog}.${schema}`,
      label: schema,
      insert: this.quote(catalog, schema),
      load: async () =>
        mapResult(await listTablesAction({ connectionId, catalog, schema }), (tables) =>
          tables.map((t) => this.table(catalog, schema, t.name, t.kind)),
        ),
    };
  }

  table(catalog: string, schema: string, table: string, kind: string): Node {
    const connectionId = this.connectionId;
    return {
      key: `${catalog}.${schema}.${table}`,
      label: table,
      detail: kind === "view" ? "view" : undefined,
      insert: this.quote(catalog, schema, table),
      load: async () =>
        mapResult(await listColumnsAction({ connectionId, catalog, schema, table }), (columns) =>
          columns.map((c) => ({
            key: `${catalog}.${schema}.${table}.${c.name}`,
            label: c.name,
            detail: c.type,
            insert: this.quote(c.name),
          })),
        ),
    };
  }
}

function mapResult<A, B>(result: ActionResult<A>, map: (a: A) => B): ActionResult<B> {
  return result.ok ? { ok: true, data: map(result.data) } : result;
}
