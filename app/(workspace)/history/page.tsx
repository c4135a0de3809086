import { HistoryList } from "@/components/history/HistoryList";
import { historyFiltersInput } from "@/lib/schemas/history";
import { pageUser } from "@/lib/server/auth/session";
import { connectionNames, listConnections } from "@/lib/server/connections";
import { listUsers } from "@/lib/server/db/queries/users";
import { listHistory } from "@/lib/server/runs/history";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, unknown>> }) {
  const user = await pageUser();
  const isAdmin = user.role === "admin";
  const filters = historyFiltersInput.parse(await searchParams);
  const [page, connections, people] = await Promise.all([
    listHistory(user, filters),
    connectionOptions(user, isAdmin),
    isAdmin ? listUsers((await runtime()).db) : Promise.resolve([]),
  ]);
  return (
    <main className="page page-wide">
      <h1>Query history</h1>
      <HistoryList
        page={page}
        filters={filters}
        connections={connections}
        people={isAdmin ? people.map((u) => ({ id: u.id, name: u.name, email: u.email })) : null}
      />
    </main>
  );
}

/** Members filter by the connections they can use; admins by any. */
async function connectionOptions(user: Awaited<ReturnType<typeof pageUser>>, isAdmin: boolean) {
  if (!isAdmin) return (await listConnections(user)).map((c) => ({ id: c.id, name: c.name }));
  return [...(await connectionNames())].map(([id, name]) => ({ id, name }));
}
