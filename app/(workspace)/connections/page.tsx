import { ConnectionsManager } from "@/components/connections/ConnectionsManager";
import { pageUser } from "@/lib/server/auth/session";
import { listConnections } from "@/lib/server/connections";
import { CALLBACK_PATH } from "@/lib/server/connections/member-oauth";
import { listDatabricksSignIns } from "@/lib/server/connections/sign-ins";
import { pageOrigin } from "@/lib/server/http/origin";

export const dynamic = "force-dynamic";

export default async function ConnectionsPage() {
  const user = await pageUser();
  return (
    <main className="page">
      <h1>Connections</h1>
      <p className="muted">
        SQL warehouses Lakebook runs queries on. Shared connections are set up by admins and used by every member;
        personal ones only by you. Tokens and secrets stay on the server: once saved they can be replaced, never read.
      </p>
      <ConnectionsManager
        connections={await listConnections(user)}
        isAdmin={user.role === "admin"}
        callbackUrl={`${await pageOrigin()}${CALLBACK_PATH}`}
        signIns={await listDatabricksSignIns(user)}
      />
    </main>
  );
}
