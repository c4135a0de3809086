"use client";

import type React from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { failed } from "@/lib/action-result";

/** Pieces the sign-in, setup and invitation forms share. */

/**
 * A form's submit handling: `handle` gets the form's data and returns a
 * problem to show, or null once it has navigated away.
 */
export function useSubmit(handle: (form: FormData) => Promise<string | null>, initialProblem: string | null = null) {
  const { run, pending, error } = useAction(initialProblem);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Still busy after a success: the page is on its way elsewhere.
    await run(
      async () => {
        const problem = await handle(form);
        return problem === null ? { ok: true as const, data: null } : failed(problem);
      },
      { keepPending: true },
    );
  }
  return { problem: error, busy: pending, onSubmit };
}

export function NameField() {
  return (
    <label>
      Your name
      <input name="name" autoComplete="name" required autoFocus />
    </label>
  );
}

export function NewPasswordField() {
  return (
    <label>
      Password <span className="muted small">(at least 12 characters)</span>
      <input name="password" type="password" autoComplete="new-password" minLength={12} required />
    </label>
  );
}

/** The form's problem, if any, and its submit button (disabled while busy). */
export function FormFooter({
  problem,
  busy,
  label,
  busyLabel,
}: {
  problem: string | null;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      <Alert>{problem}</Alert>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
