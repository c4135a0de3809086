import { ApiTokens } from "@/components/account/ApiTokens";
import { DatabricksSignIns } from "@/components/account/DatabricksSignIns";
import { AccountSettings } from "@/components/auth/AccountSettings";
import { listTokens } from "@/lib/server/auth/api-tokens";
import { pageUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";
import { listDatabricksSignIns } from "@/lib/server/connections/sign-ins";

export const dynamic = "force-dynamic";

/** The signed-in member's own account: their password, their sessions, their API tokens and Databricks sign-ins. */
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
      <h2 id="databricks">Databricks sign-ins</h2>
      <DatabricksSignIns initial={await listDatabricksSignIns(user)} />
    </main>
  );
}
