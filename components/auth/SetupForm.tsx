"use client";

import { signIn } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { createFirstAdminAction } from "@/app/setup/actions";

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
      <label>
        Your name
        <input name="name" autoComplete="name" required autoFocus />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password <span className="muted small">(at least 12 characters)</span>
        <input name="password" type="password" autoComplete="new-password" minLength={12} required />
      </label>
      {problem && (
        <p className="error-banner" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Creating…" : "Create admin account"}
      </button>
    </form>
  );
}
