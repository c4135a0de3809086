import { notFound } from "next/navigation";
import { MembersAdmin } from "@/components/admin/MembersAdmin";
import { pageUser } from "@/lib/server/auth/session";
import { openInvitations } from "@/lib/server/db/queries/invitations";
import { listUsers } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function MembersPage() {
  const user = await pageUser();
  // To anyone but an admin this page does not exist.
  if (user.role !== "admin") notFound();
  const { db } = await runtime();
  const [users, invitations] = await Promise.all([listUsers(db), openInvitations(db)]);
  return (
    <main className="page">
      <h1>Members</h1>
      <MembersAdmin
        me={user.id}
        members={users.map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          role: u.role,
          disabled: u.disabled,
          sso: !u.passwordHash,
        }))}
        invitations={invitations.map((i) => ({
          id: i.tokenHash,
          email: i.email,
          role: i.role,
          expiresAt: i.expiresAt.toISOString(),
        }))}
      />
    </main>
  );
}
