import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth/AuthShell";
import { SignInForm } from "@/components/auth/SignInForm";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { oidcConfigured } from "@/lib/server/auth/options";
import { currentUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";
import { userCount } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { db } = await runtime();
  if ((await userCount(db)) === 0) redirect("/setup");
  const params = await searchParams;
  // Only a path of this server, whatever the link says (lib/auth/callback-path.ts).
  const next = safeCallbackPath(params.callbackUrl, process.env.NEXTAUTH_URL);
  if (await currentUser()) redirect(next);
  const error = typeof params.error === "string" ? signInErrorMessage(params.error) : null;
  return (
    <AuthShell title="Sign in to Lakebook">
      <SignInForm next={next} sso={oidcConfigured() ? config().LAKEBOOK_OIDC_NAME : null} error={error} />
    </AuthShell>
  );
}
