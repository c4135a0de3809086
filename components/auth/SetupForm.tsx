"use client";

import { signIn } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { createFirstAdminAction } from "@/app/setup/actions";
import { FormFooter, NameField, NewPasswordField } from "./fields";

export function SetupForm() {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const account = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    const result = await createFirstAdminAction(account);
    if (!result.ok) {
      setBusy(false);
      setProblem(result.error);
      return;
    }
    await signIn("credentials", { email: account.email, password: account.password, redirect: false });
    window.location.assign("/");
  }

  return (
    <form className="auth-form" onSubmit={submit}>
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
