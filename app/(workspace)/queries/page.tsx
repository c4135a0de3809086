import { QueryList } from "@/components/queries/QueryList";
import { listParams } from "@/lib/list-params";
import { pageUser } from "@/lib/server/auth/session";
import { connectionNames } from "@/lib/server/connections";
import { listSavedQueries } from "@/lib/server/queries";

export const dynamic = "force-dynamic";

const PAGE = 50;

export default async function QueriesPage({
  searchParams,
}: {
  searchParams: Promise<{ scope?: string; q?: string; page?: string }>;
}) {
  const user = await pageUser();
  const { scope, search, page } = listParams(await searchParams, user.role === "admin");
  const [{ items, more }, names] = await Promise.all([
    listSavedQueries(user, { scope, search, offset: page * PAGE, limit: PAGE }),
    connectionNames(),
  ]);
  return (
    <main className="page">
      <h1>Queries</h1>
      <QueryList
        scope={scope}
        search={search}
        page={page}
        more={more}
        isAdmin={user.role === "admin"}
        items={items.map((item) => ({
          ...item,
          connectionName: names.get(item.connectionId) ?? "(removed connection)",
        }))}
      />
    </main>
  );
}
