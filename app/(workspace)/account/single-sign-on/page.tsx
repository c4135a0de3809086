import { SsoLinkForm } from "@/components/auth/SsoLinkForm";
import { Alert } from "@/components/ui/Alert";
import { ssoErrorText } from "@/lib/auth/sso-errors";
import { oidcConfigured } from "@/lib/server/auth/options";
import { pageUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";
import { identitiesOf } from "@/lib/server/db/queries/identities";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

/** Account › Single sign-on: the identities bound to this account, and linking one to a password account. */
export default async function SingleSignOnPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const user = await pageUser();
  const params = await searchParams;
  const identities = await identitiesOf((await runtime()).db, user.id);
  const provider = config().LAKEBOOK_OIDC_NAME;
  const problem = ssoErrorText(params.error) ?? (params.error ? "Single sign-on did not complete. Try again." : null);
  return (
    <main className="page account-page">
      <h1>Single sign-on</h1>
      <Alert>{problem}</Alert>
      {params.linked === "1" && identities.length > 0 && !problem && (
        <p className="notice" role="status">
          Single sign-on is linked. From now on you can sign in with {provider} as well as with your password.
        </p>
      )}
      {!oidcConfigured() ? (
        <p>Single sign-on is not set up on this server.</p>
      ) : identities.length > 0 ? (
        <>
          <p>
            Your account is linked to this {provider} identity. Signing in with it always opens this account, even if
            its email address changes at {provider}.
          </p>
          <table className="list" aria-label="Linked identities">
            <thead>
              <tr>
                <th>Email at {provider}</th>
                <th>Linked</th>
                <th>Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {identities.map((i) => (
                <tr key={`${i.issuer} ${i.subject}`}>
                  <td>{i.email ?? "—"}</td>
                  <td>{i.createdAt.toLocaleString("en-GB", { timeZone: "UTC" })} UTC</td>
                  <td>{i.lastSignInAt.toLocaleString("en-GB", { timeZone: "UTC" })} UTC</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : user.passwordHash ? (
        <>
          <p>
            You sign in with your password. To sign in with {provider} too, link it once: confirm your password, then
            sign in at {provider}. Lakebook remembers that identity for this account; nobody else can use it, and your
            account cannot be reached through {provider} with any other identity.
          </p>
          <SsoLinkForm provider={provider} />
        </>
      ) : (
        <p>You sign in with {provider}. Your identity is linked at your next sign-in.</p>
      )}
    </main>
  );
}
