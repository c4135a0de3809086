"use client";

import { useEffect, useState } from "react";
import { Dialog } from "@/components/ui/Dialog";
import { getQueryAction, listQueriesAction } from "@/lib/actions/queries";
import type { QueryListItem } from "@/lib/queries";

/** Picks one of the user's or their team's saved queries, to become a notebook cell. */
export function QueryPicker({
  onPick,
  onClose,
}: {
  onPick(query: { sql: string; connectionId: string }): void;
  onClose(): void;
}) {
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<QueryListItem[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const [mine, shared] = await Promise.all([
        listQueriesAction({ scope: "mine", search, offset: 0 }),
        listQueriesAction({ scope: "shared", search, offset: 0 }),
      ]);
      if (!current) return;
      if (!mine.ok || !shared.ok) return setProblem(mine.ok ? (shared.ok ? null : shared.error) : mine.error);
      setItems([...mine.data.items, ...shared.data.items]);
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search]);

  const pick = async (id: string) => {
    const result = await getQueryAction({ queryId: id });
    if (result.ok) onPick({ sql: result.data.sql, connectionId: result.data.connectionId });
    else setProblem(result.error);
  };

  return (
    <Dialog title="Add a saved query as a cell" open onClose={onClose}>
      <input
        className="picker-search"
        aria-label="Search saved queries"
        placeholder="Search titles and SQL"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {problem && (
        <p className="error-banner" role="alert">
          {problem}
        </p>
      )}
      {items?.length === 0 && <p className="muted">No saved queries match.</p>}
      <ul className="picker-list">
        {items?.map((q) => (
          <li key={q.id}>
            <button type="button" className="link" onClick={() => void pick(q.id)}>
              {q.title}
            </button>
            <span className="muted small"> {q.isOwner ? "yours" : `by ${q.ownerName}`}</span>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
