"use client";

import { signIn } from "next-auth/react";
import { resetPasswordAction } from "@/lib/actions/auth";
import { FormFooter, NewPasswordField, useSubmit } from "./fields";

/** The new password of an admin's reset link; on success the member is signed in with it. */
export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const { problem, busy, onSubmit } = useSubmit(async (form) => {
    const password = String(form.get("password") ?? "");
    const result = await resetPasswordAction({ token, password });
    if (!result.ok) return result.error;
    await signIn("credentials", { email, password, redirect: false });
    window.location.assign("/");
    return null;
  });

  return (
    <form className="auth-form" onSubmit={onSubmit}>
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordField />
      <FormFooter problem={problem} busy={busy} label="Save new password" busyLabel="Saving…" />
    </form>
  );
}
