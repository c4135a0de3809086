"use client";

import { signIn } from "next-auth/react";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { FormFooter, useSubmit } from "./fields";

export function SignInForm({ next, sso, error }: { next: string; sso: string | null; error: string | null }) {
  const { problem, busy, onSubmit } = useSubmit(async (form) => {
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!result?.ok || result.error) return signInErrorMessage(result?.error ?? "CredentialsSignin");
    window.location.assign(next);
    return null;
  }, error);

  return (
    <>
      <form className="auth-form" onSubmit={onSubmit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <FormFooter problem={problem} busy={busy} label="Sign in" busyLabel="Signing in…" />
      </form>
      {sso && (
        <>
          <div className="auth-or">or</div>
          <button type="button" className="wide" onClick={() => void signIn("oidc", { callbackUrl: next })}>
            Sign in with {sso}
          </button>
        </>
      )}
    </>
  );
}
