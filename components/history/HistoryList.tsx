"use client";

import Link from "next/link";
import type { HistoryFilters as Filters, HistoryPage } from "@/lib/history";
import { HistoryFilters, type Option } from "./HistoryFilters";
import { HistoryRow } from "./HistoryRow";

/** The query history: filters, one row per run (newest first), and links to older and newer pages. */
export function HistoryList({
  page,
  filters,
  connections,
  people,
}: {
  page: HistoryPage;
  filters: Filters;
  connections: Option[];
  /** Set for admins, who see everyone's runs. */
  people: (Option & { email: string })[] | null;
}) {
  const showUser = people !== null;
  const paged = Boolean(filters.before || filters.after);
  return (
    <>
      <HistoryFilters filters={filters} connections={connections} people={people} />
      {page.entries.length === 0 ? (
        <p className="muted">
          {paged || Object.keys(filters).some((k) => k !== "tz")
            ? "No runs match these filters."
            : "No runs yet. Every query you run in the editor is listed here."}
        </p>
      ) : (
        <table className="list history" aria-label="Query history">
          <thead>
            <tr>
              <th>Started</th>
              {showUser && <th>User</th>}
              <th>Connection</th>
              <th className="num">Duration</th>
              <th className="num">Rows</th>
              <th>Status</th>
              <th>SQL</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.entries.map((entry) => (
              <HistoryRow key={entry.id} entry={entry} showUser={showUser} />
            ))}
          </tbody>
        </table>
      )}
      {(page.newer || page.older || paged) && (
        <nav className="history-pager" aria-label="History pages">
          {paged && <Link href={pageLink(filters, {})}>Newest</Link>}
          {page.newer && <Link href={pageLink(filters, { after: page.newer })}>← Newer</Link>}
          {page.older && <Link href={pageLink(filters, { before: page.older })}>Older →</Link>}
        </nav>
      )}
    </>
  );
}

function pageLink(filters: Filters, cursor: { before?: string; after?: string }): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, before: undefined, after: undefined, ...cursor })) {
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `/history?${query}` : "/history";
}
