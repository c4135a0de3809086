import { NotebookList } from "@/components/notebook/NotebookList";
import { listParams } from "@/lib/list-params";
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
  const { scope, search, page } = listParams(await searchParams, user.role === "admin");
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
