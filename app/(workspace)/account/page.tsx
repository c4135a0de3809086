import { ApiTokens } from "@/components/account/ApiTokens";
import { AccountSettings } from "@/components/auth/AccountSettings";
import { listTokens } from "@/lib/server/auth/api-tokens";
import { pageUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";

export const dynamic = "force-dynamic";

/** The signed-in member's own account: their password, their sessions and their API tokens. */
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
      <h2 id="api-tokens">API tokens</h2>
      <ApiTokens initial={await listTokens(user, false)} />
    </main>
  );
}
