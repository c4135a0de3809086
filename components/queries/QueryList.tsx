import Link from "next/link";
import { ListPager, type ListScope, ListScopes } from "@/components/ui/ScopedList";
import type { QueryListItem } from "@/lib/queries";
import { LEVEL_LABELS } from "@/lib/sharing";

type Scope = "mine" | "shared" | "all";

const SCOPES: ListScope<Scope>[] = [
  { scope: "mine", label: "My queries" },
  { scope: "shared", label: "Shared with me" },
  { scope: "all", label: "All queries", adminOnly: true },
];

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
      <ListScopes
        base="/queries"
        scope={scope}
        search={search}
        scopes={SCOPES}
        isAdmin={isAdmin}
        label="Which queries"
        searchLabel="Search queries"
        placeholder="Search titles and SQL"
      />
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
      <ListPager base="/queries" scope={scope} search={search} page={page} more={more} />
    </>
  );
}
