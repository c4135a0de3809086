"use client";

import { signIn } from "next-auth/react";
import { startSsoLinkAction } from "@/lib/actions/account";
import { FormFooter, useSubmit } from "./fields";

/** Confirms the member's password, then sends them to the issuer to link the identity they sign in with there. */
export function SsoLinkForm({ provider }: { provider: string }) {
  const { problem, busy, onSubmit } = useSubmit(async (form) => {
    const result = await startSsoLinkAction({ password: String(form.get("password") ?? "") });
    if (!result.ok) return result.error;
    await signIn("oidc", { callbackUrl: "/account/single-sign-on?linked=1" });
    return null;
  });

  return (
    <form className="auth-form" onSubmit={onSubmit}>
      <label>
        Your password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <FormFooter
        problem={problem}
        busy={busy}
        label={`Link single sign-on with ${provider}`}
        busyLabel="Opening single sign-on…"
      />
    </form>
  );
}
