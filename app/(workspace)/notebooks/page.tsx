import { NotebookList } from "@/components/notebook/NotebookList";
import { pageUser } from "@/lib/server/auth/session";
import { connectionNames, listConnections } from "@/lib/server/connections";
import { listUserNotebooks } from "@/lib/server/notebooks";

export const dynamic = "force-dynamic";

const PAGE = 50;

export default async function NotebooksPage({
  searchParams,
}: {
  searchParams: Promise<{ scope?: string; q?: string; page?: string }>;
}) {
  const user = await pageUser();
  const params = await searchParams;
  const scope = params.scope === "shared" || (params.scope === "all" && user.role === "admin") ? params.scope : "mine";
  const search = (params.q ?? "").slice(0, 200);
  const page = Math.max(0, Math.min(10_000, Number.parseInt(params.page ?? "0", 10) || 0));
  const [{ items, more }, names, connections] = await Promise.all([
    listUserNotebooks(user, { scope, search, offset: page * PAGE, limit: PAGE }),
    connectionNames(),
    listConnections(user),
  ]);
  return (
    <main className="page">
      <h1>Notebooks</h1>
      <NotebookList
        scope={scope}
        search={search}
        page={page}
        more={more}
        isAdmin={user.role === "admin"}
        connections={connections}
        items={items.map((item) => ({
          ...item,
          connectionName: names.get(item.connectionId) ?? "(removed connection)",
        }))}
      />
    </main>
  );
}
