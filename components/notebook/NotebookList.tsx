import Link from "next/link";
import type { ConnectionView } from "@/lib/connections";
import type { NotebookListItem } from "@/lib/notebooks/types";
import { LEVEL_LABELS } from "@/lib/sharing";
import { NewNotebook } from "./NewNotebook";
import "@/components/queries/queries.css";

type Scope = "mine" | "shared" | "all";

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: "mine", label: "My notebooks" },
  { scope: "shared", label: "Shared with me" },
  { scope: "all", label: "All notebooks" },
];

function href(scope: Scope, search: string, page = 0): string {
  const params = new URLSearchParams({ scope });
  if (search) params.set("q", search);
  if (page > 0) params.set("page", String(page));
  return `/notebooks?${params}`;
}

/** Notebooks: the user's own, those shared with them, or (admins) all; searchable by title and cell text. */
export function NotebookList({
  scope,
  search,
  page,
  more,
  isAdmin,
  connections,
  items,
}: {
  scope: Scope;
  search: string;
  page: number;
  more: boolean;
  isAdmin: boolean;
  connections: ConnectionView[];
  items: (NotebookListItem & { connectionName: string })[];
}) {
  return (
    <>
      <NewNotebook connections={connections} />
      <nav className="scope-tabs" aria-label="Which notebooks">
        {SCOPES.filter((s) => s.scope !== "all" || isAdmin).map((s) => (
          <Link key={s.scope} href={href(s.scope, search)} aria-current={s.scope === scope ? "page" : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      <form className="form list-search" action="/notebooks">
        <input type="hidden" name="scope" value={scope} />
        <input name="q" defaultValue={search} aria-label="Search notebooks" placeholder="Search titles and cells" />
        <button type="submit">Search</button>
      </form>
      {items.length === 0 ? (
        <p className="muted">
          {search
            ? "No notebooks match."
            : scope === "shared"
              ? "Nobody has shared a notebook with you yet."
              : "No notebooks yet. Create one, or import a Jupyter or .sql file."}
        </p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th>Title</th>
              <th>Owner</th>
              <th>Connection</th>
              <th className="num">Cells</th>
              <th>Your access</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <td>
                  <Link href={`/notebooks/${n.id}`}>{n.title}</Link>
                </td>
                <td>{n.isOwner ? "You" : n.ownerName}</td>
                <td>{n.connectionName}</td>
                <td className="num">{n.cellCount}</td>
                <td>{n.isOwner ? "Owner" : LEVEL_LABELS[n.level]}</td>
                <td>
                  <time dateTime={n.updatedAt}>{n.updatedAt.slice(0, 16).replace("T", " ")} UTC</time>
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
