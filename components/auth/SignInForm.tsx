"use client";

import { signIn } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { FormFooter } from "./fields";

export function SignInForm({ next, sso, error }: { next: string; sso: string | null; error: string | null }) {
  const [problem, setProblem] = useState(error);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setBusy(false);
    if (result?.ok && !result.error) window.location.assign(next);
    else setProblem("That email and password do not match an active account.");
  }

  return (
    <>
      <form className="auth-form" onSubmit={submit}>
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
