import { notFound } from "next/navigation";
import { ApiTokens } from "@/components/account/ApiTokens";
import { listTokens } from "@/lib/server/auth/api-tokens";
import { pageUser } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";

/** Every member's API tokens, for an admin to see and revoke. */
export default async function TokensPage() {
  const user = await pageUser();
  if (user.role !== "admin") notFound();
  return (
    <main className="page">
      <h1>API tokens</h1>
      <p className="muted">
        Every member's personal API tokens. Revoking one stops it at once; disabling a member stops all of theirs.
      </p>
      <ApiTokens initial={await listTokens(user, true)} all />
    </main>
  );
}
