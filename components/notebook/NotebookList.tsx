import Link from "next/link";
import { ListPager, type ListScope, ListScopes } from "@/components/ui/ScopedList";
import type { ConnectionView } from "@/lib/connections";
import type { NotebookListItem } from "@/lib/notebooks/types";
import { LEVEL_LABELS } from "@/lib/sharing";
import { NewNotebook } from "./NewNotebook";

type Scope = "mine" | "shared" | "all";

const SCOPES: ListScope<Scope>[] = [
  { scope: "mine", label: "My notebooks" },
  { scope: "shared", label: "Shared with me" },
  { scope: "all", label: "All notebooks", adminOnly: true },
];

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
      <ListScopes
        base="/notebooks"
        scope={scope}
        search={search}
        scopes={SCOPES}
        isAdmin={isAdmin}
        label="Which notebooks"
        searchLabel="Search notebooks"
        placeholder="Search titles and cells"
      />
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
      <ListPager base="/notebooks" scope={scope} search={search} page={page} more={more} />
    </>
  );
}
