import Link from "next/link";
import type { QueryListItem } from "@/lib/queries";
import { LEVEL_LABELS } from "@/lib/sharing";
import "./queries.css";

type Scope = "mine" | "shared" | "all";

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: "mine", label: "My queries" },
  { scope: "shared", label: "Shared with me" },
  { scope: "all", label: "All queries" },
];

function href(scope: Scope, search: string, page = 0): string {
  const params = new URLSearchParams({ scope });
  if (search) params.set("q", search);
  if (page > 0) params.set("page", String(page));
  return `/queries?${params}`;
}

/** Saved queries: the user's own, those shared with them, or (admins) all; searchable by title, description and SQL. */
export function QueryList({
  scope,
  search,
  page,
  more,
  isAdmin,
  items,
}: {
  scope: Scope;
  search: string;
  page: number;
  more: boolean;
  isAdmin: boolean;
  items: (QueryListItem & { connectionName: string })[];
}) {
  return (
    <>
      <nav className="scope-tabs" aria-label="Which queries">
        {SCOPES.filter((s) => s.scope !== "all" || isAdmin).map((s) => (
          <Link key={s.scope} href={href(s.scope, search)} aria-current={s.scope === scope ? "page" : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      <form className="form list-search" action="/queries">
        <input type="hidden" name="scope" value={scope} />
        <input name="q" defaultValue={search} aria-label="Search queries" placeholder="Search titles and SQL" />
        <button type="submit">Search</button>
      </form>
      {items.length === 0 ? (
        <p className="muted">
          {search
            ? "No queries match."
            : scope === "shared"
              ? "Nobody has shared a query with you yet."
              : "No saved queries yet. Write SQL in the editor and press Save."}
        </p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th>Title</th>
              <th>Owner</th>
              <th>Connection</th>
              <th>Your access</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((q) => (
              <tr key={q.id}>
                <td>
                  <Link href={`/queries/${q.id}`}>{q.title}</Link>
                  {q.description && <div className="muted small">{q.description}</div>}
                </td>
                <td>{q.isOwner ? "You" : q.ownerName}</td>
                <td>{q.connectionName}</td>
                <td>{q.isOwner ? "Owner" : LEVEL_LABELS[q.level]}</td>
                <td>
                  <time dateTime={q.updatedAt}>{q.updatedAt.slice(0, 16).replace("T", " ")} UTC</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        {page > 0 && <Link href={href(scope, search, page - 1)}>← Newer</Link>}
        {more && <Link href={href(scope, search, page + 1)}>Older →</Link>}
      </div>
    </>
  );
}
