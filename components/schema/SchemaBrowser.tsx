"use client";

import { useCallback, useState } from "react";
import { listColumnsAction, listSchemasAction, listTablesAction } from "@/app/(workspace)/schema/actions";
import type { ActionResult } from "@/lib/action-result";
import { quoteIdentifier } from "./names";

interface Node {
  key: string;
  label: string;
  detail?: string;
  /** What clicking the name inserts into the editor. */
  insert: string;
  load?: () => Promise<ActionResult<Node[]>>;
}

/** Catalogs → schemas → tables → columns, each level loaded when first opened. */
export function SchemaBrowser({ catalogs, onInsert }: { catalogs: string[]; onInsert(text: string): void }) {
  const [filter, setFilter] = useState("");
  const [generation, setGeneration] = useState(0);
  const roots = catalogs.map((catalog) => catalogNode(catalog));
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
        placeholder="Filter loaded names"
        aria-label="Filter schema"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      <ul className="tree" key={generation}>
        {roots.map((node) => (
          <TreeNode key={node.key} node={node} depth={0} filter={filter.trim().toLowerCase()} onInsert={onInsert} />
        ))}
      </ul>
    </aside>
  );
}

function TreeNode({
  node,
  depth,
  filter,
  onInsert,
}: {
  node: Node;
  depth: number;
  filter: string;
  onInsert(text: string): void;
}) {
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

  const visibleChildren = children?.filter((child) => !filter || matches(child, filter)) ?? [];
  const selfMatches = !filter || node.label.toLowerCase().includes(filter);
  if (!selfMatches && visibleChildren.length === 0 && depth > 0) return null;

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
          {(filter ? visibleChildren : (children ?? [])).map((child) => (
            <TreeNode key={child.key} node={child} depth={depth + 1} filter={filter} onInsert={onInsert} />
          ))}
        </ul>
      )}
    </li>
  );
}

function matches(node: Node, filter: string): boolean {
  return node.label.toLowerCase().includes(filter) || Boolean(node.load);
}

function catalogNode(catalog: string): Node {
  return {
    key: catalog,
    label: catalog,
    insert: quoteIdentifier(catalog),
    load: async () =>
      mapResult(await listSchemasAction({ catalog }), (schemas) => schemas.map((s) => schemaNode(catalog, s))),
  };
}

function schemaNode(catalog: string, schema: string): Node {
  return {
    key: `${catalog}.${schema}`,
    label: schema,
    insert: [catalog, schema].map(quoteIdentifier).join("."),
    load: async () =>
      mapResult(await listTablesAction({ catalog, schema }), (tables) =>
        tables.map((t) => ({
          key: `${catalog}.${schema}.${t.name}`,
          label: t.name,
          detail: t.kind === "view" ? "view" : undefined,
          insert: [catalog, schema, t.name].map(quoteIdentifier).join("."),
          load: async () =>
            mapResult(await listColumnsAction({ catalog, schema, table: t.name }), (columns) =>
              columns.map((c) => ({
                key: `${catalog}.${schema}.${t.name}.${c.name}`,
                label: c.name,
                detail: c.type,
                insert: quoteIdentifier(c.name),
              })),
            ),
        })),
      ),
  };
}

function mapResult<A, B>(result: ActionResult<A>, map: (a: A) => B): ActionResult<B> {
  return result.ok ? { ok: true, data: map(result.data) } : result;
}
