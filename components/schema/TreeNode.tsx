"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import type { Node } from "./tree-nodes";

/** One row of the tree; a node that loads children fetches them when first opened. */
export function TreeNode({ node, depth, onInsert }: { node: Node; depth: number; onInsert(text: string): void }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<Node[] | null>(null);
  const { run, pending: loading, error } = useAction();

  const toggle = useCallback(async () => {
    if (!node.load) return;
    const next = !open;
    setOpen(next);
    if (next && children === null) {
      const load = node.load;
      const result = await run(() => load());
      if (result?.ok) setChildren(result.data);
    }
  }, [node, open, children, run]);

  // The tab's current catalog and schema open by themselves, once.
  const opened = useRef(false);
  useEffect(() => {
    if (node.open && !opened.current) {
      opened.current = true;
      void toggle();
    }
  }, [node.open, toggle]);

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
          <Alert as="li" inline className="tree-msg">
            {error}
          </Alert>
          {children?.length === 0 && <li className="muted tree-msg">(empty)</li>}
          {children?.map((child) => (
            <TreeNode key={child.key} node={child} depth={depth + 1} onInsert={onInsert} />
          ))}
        </ul>
      )}
    </li>
  );
}
