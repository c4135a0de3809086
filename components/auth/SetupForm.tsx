"use client";

import { signIn } from "next-auth/react";
import { createFirstAdminAction } from "@/lib/actions/auth";
import { FormFooter, NameField, NewPasswordField, useSubmit } from "./fields";

export function SetupForm() {
  const { problem, busy, onSubmit } = useSubmit(async (form) => {
    const account = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    const result = await createFirstAdminAction(account);
    if (!result.ok) return result.error;
    await signIn("credentials", { email: account.email, password: account.password, redirect: false });
    window.location.assign("/");
    return null;
  });

  return (
    <form className="auth-form" onSubmit={onSubmit}>
      <NameField />
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <NewPasswordField />
      <FormFooter problem={problem} busy={busy} label="Create admin account" busyLabel="Creating…" />
    </form>
  );
}
