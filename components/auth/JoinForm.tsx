"use client";

import { signIn } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { joinAction } from "@/app/invite/[token]/actions";

export function JoinForm({ token, email }: { token: string; email: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const password = String(form.get("password") ?? "");
    const result = await joinAction({ token, name: String(form.get("name") ?? ""), password });
    if (!result.ok) {
      setBusy(false);
      setProblem(result.error);
      return;
    }
    await signIn("credentials", { email, password, redirect: false });
    window.location.assign("/");
  }

  return (
    <form className="auth-form" onSubmit={submit}>
      <label>
        Your name
        <input name="name" autoComplete="name" required autoFocus />
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
        {busy ? "Joining…" : "Join"}
      </button>
    </form>
  );
}
