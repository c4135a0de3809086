import { AccountSettings } from "@/components/auth/AccountSettings";
import { pageUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";

export const dynamic = "force-dynamic";

/** The signed-in member's own account: their password and their sessions. */
export default async function AccountPage() {
  const user = await pageUser();
  return (
    <main className="page">
      <h1>Account</h1>
      <p>
        {user.name} · {user.email}
        {user.role === "admin" && <span className="badge">admin</span>}
      </p>
      <AccountSettings hasPassword={Boolean(user.passwordHash)} sso={config().LAKEBOOK_OIDC_NAME} />
    </main>
  );
}
