"use client";

import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { Dialog } from "@/components/ui/Dialog";
import { useAction } from "@/components/ui/use-action";
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
  const listing = useAction();
  const picking = useAction();
  const { run, forget } = listing;

  useEffect(() => {
    const timer = setTimeout(() => {
      void run(
        async () => {
          const [mine, shared] = await Promise.all([
            listQueriesAction({ scope: "mine", search, offset: 0 }),
            listQueriesAction({ scope: "shared", search, offset: 0 }),
          ]);
          if (!mine.ok) return mine;
          if (!shared.ok) return shared;
          return { ok: true, data: [...mine.data.items, ...shared.data.items] };
        },
        { keepError: true },
      ).then((result) => {
        if (result?.ok) setItems(result.data);
      });
    }, 200);
    return () => {
      forget();
      clearTimeout(timer);
    };
  }, [search, run, forget]);

  const pick = async (id: string) => {
    const result = await picking.run(() => getQueryAction({ queryId: id }));
    if (result?.ok) onPick({ sql: result.data.sql, connectionId: result.data.connectionId });
  };
  const problem = picking.error ?? listing.error;

  return (
    <Dialog title="Add a saved query as a cell" open onClose={onClose}>
      <input
        className="picker-search"
        aria-label="Search saved queries"
        placeholder="Search titles and SQL"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <Alert>{problem}</Alert>
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
