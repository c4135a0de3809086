import { notFound } from "next/navigation";
import { GroupsAdmin } from "@/components/admin/GroupsAdmin";
import { pageUser } from "@/lib/server/auth/session";
import { listUsers } from "@/lib/server/db/queries/users";
import { groupList, groupMembers } from "@/lib/server/groups";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function GroupsPage({ searchParams }: { searchParams: Promise<{ group?: string | string[] }> }) {
  const user = await pageUser();
  // To anyone but an admin this page does not exist.
  if (user.role !== "admin") notFound();
  const { group: param } = await searchParams;
  const [groups, users] = await Promise.all([groupList(user), listUsers((await runtime()).db)]);
  // An open group is part of the URL, so it survives a refresh and can be linked to.
  const selected = groups.find((g) => g.id === (Array.isArray(param) ? param[0] : param)) ?? null;
  const members = selected ? await groupMembers(user, selected.id) : [];
  return (
    <main className="page">
      <h1>Groups</h1>
      <GroupsAdmin
        groups={groups}
        selected={selected}
        members={members}
        people={users.map((u) => ({ id: u.id, name: u.name, email: u.email, disabled: u.disabled }))}
      />
    </main>
  );
}
