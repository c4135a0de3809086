"use client";

import { signIn } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { joinAction } from "@/app/invite/[token]/actions";
import { FormFooter, NameField, NewPasswordField } from "./fields";

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
      <NameField />
      <NewPasswordField />
      <FormFooter problem={problem} busy={busy} label="Join" busyLabel="Joining…" />
    </form>
  );
}
