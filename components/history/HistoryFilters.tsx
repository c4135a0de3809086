"use client";

import Form from "next/form";
import Link from "next/link";
import { useEffect, useState } from "react";
import { type HistoryFilters as Filters, RUN_STATUSES, STATUS_LABELS } from "@/lib/history";

export interface Option {
  id: string;
  name: string;
}

/** A GET form: every filtered view of the history has its own link. */
export function HistoryFilters({
  filters,
  connections,
  people,
}: {
  filters: Filters;
  connections: Option[];
  people: (Option & { email: string })[] | null;
}) {
  // The viewer's own days: "from" and "to" are read in their time zone on the server.
  const [tz, setTz] = useState(filters.tz ?? "");
  useEffect(() => setTz(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const filtered = Boolean(
    filters.status || filters.connection || filters.user || filters.from || filters.to || filters.q,
  );
  return (
    // Remounted when the URL's filters change, so that the fields show them (e.g. after "Clear").
    <Form action="/history" className="form history-filters" key={JSON.stringify(filters)}>
      <label>
        SQL contains
        <input name="q" type="search" defaultValue={filters.q} placeholder="e.g. orders" />
      </label>
      <label>
        Status
        <select name="status" defaultValue={filters.status ?? ""}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Connection
        <select name="connection" defaultValue={filters.connection ?? ""}>
          <option value="">Any connection</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {people && (
        <label>
          User
          <select name="user" defaultValue={filters.user ?? ""}>
            <option value="">Everyone</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        From
        <input name="from" type="date" defaultValue={filters.from} />
      </label>
      <label>
        To
        <input name="to" type="date" defaultValue={filters.to} />
      </label>
      <input type="hidden" name="tz" value={tz} />
      <button type="submit" className="primary">
        Filter
      </button>
      {filtered && (
        <Link href="/history" className="button">
          Clear filters
        </Link>
      )}
    </Form>
  );
}
