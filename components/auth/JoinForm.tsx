"use client";

import { signIn } from "next-auth/react";
import { joinAction } from "@/lib/actions/auth";
import { FormFooter, NameField, NewPasswordField, useSubmit } from "./fields";

export function JoinForm({ token, email }: { token: string; email: string }) {
  const { problem, busy, onSubmit } = useSubmit(async (form) => {
    const password = String(form.get("password") ?? "");
    const result = await joinAction({ token, name: String(form.get("name") ?? ""), password });
    if (!result.ok) return result.error;
    await signIn("credentials", { email, password, redirect: false });
    window.location.assign("/");
    return null;
  });

  return (
    <form className="auth-form" onSubmit={onSubmit}>
      <NameField />
      <NewPasswordField />
      <FormFooter problem={problem} busy={busy} label="Join" busyLabel="Joining…" />
    </form>
  );
}
