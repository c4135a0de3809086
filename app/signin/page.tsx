import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth/AuthShell";
import { SignInForm } from "@/components/auth/SignInForm";
import { SSO_ERRORS } from "@/lib/auth/sso-errors";
import { oidcConfigured } from "@/lib/server/auth/options";
import { currentUser } from "@/lib/server/auth/session";
import { config } from "@/lib/server/config";
import { userCount } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  ...SSO_ERRORS,
  NoEmail: "Your identity provider did not share an email address, which Lakebook needs.",
  AccessDenied: "This account cannot sign in. Ask an admin to enable it.",
  OAuthSignin: "Single sign-on could not start. Try again, or ask an admin to check its settings.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { db } = await runtime();
  if ((await userCount(db)) === 0) redirect("/setup");
  const params = await searchParams;
  const next = safeNext(params.callbackUrl);
  if (await currentUser()) redirect(next);
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : null;
  return (
    <AuthShell title="Sign in to Lakebook">
      <SignInForm next={next} sso={oidcConfigured() ? config().LAKEBOOK_OIDC_NAME : null} error={error} />
    </AuthShell>
  );
}

/** Only same-site paths: a sign-in link must not send people elsewhere. */
function safeNext(value: string | undefined): string {
  if (!value) return "/";
  try {
    const url = new URL(value, "http://lakebook.invalid");
    return url.origin === "http://lakebook.invalid" ? `${url.pathname}${url.search}` : "/";
  } catch {
    return "/";
  }
}
