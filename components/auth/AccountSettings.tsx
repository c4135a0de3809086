"use client";

import { signOut } from "next-auth/react";
import type React from "react";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { changePasswordAction, signOutEverywhereAction } from "@/lib/actions/account";
import { flushAllDrafts } from "@/lib/drafts";

/** Changing one's password (which ends one's other sessions) and signing out everywhere. */
export function AccountSettings({ hasPassword, sso }: { hasPassword: boolean; sso: string }) {
  const { run, pending: busy, error } = useAction();
  const [done, setDone] = useState<string | null>(null);

  async function changePassword(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setDone(null);
    const result = await run(() =>
      changePasswordAction({
        current: String(form.get("current") ?? ""),
        next: String(form.get("next") ?? ""),
      }),
    );
    if (!result?.ok) return;
    formElement.reset();
    const ended = result.data.endedSessions;
    setDone(
      `Your password is changed. ${ended === 0 ? "You had no other sessions." : `${ended} other session${ended === 1 ? "" : "s"} ended.`}`,
    );
  }

  async function signOutEverywhere() {
    setDone(null);
    const result = await run(
      async () => {
        await flushAllDrafts();
        return signOutEverywhereAction({});
      },
      { keepPending: true },
    );
    if (!result?.ok) return;
    await signOut({ callbackUrl: "/signin" });
  }

  return (
    <>
      <h2>Password</h2>
      {hasPassword ? (
        <>
          <p className="muted">Changing it ends your sessions on other devices; this one stays signed in.</p>
          <form className="form" onSubmit={changePassword} aria-label="Change password">
            <input type="text" name="username" autoComplete="username" hidden readOnly />
            <label>
              Current password
              <input name="current" type="password" autoComplete="current-password" required />
            </label>
            <label>
              New password <span className="muted small">(at least 12 characters)</span>
              <input name="next" type="password" autoComplete="new-password" minLength={12} required />
            </label>
            <button type="submit" className="primary" disabled={busy}>
              Change password
            </button>
          </form>
        </>
      ) : (
        <p className="muted">You sign in with {sso}; your password is kept there.</p>
      )}

      <h2>Sessions</h2>
      <p className="muted">Ends every session of yours, on every device, this one included.</p>
      <button type="button" onClick={() => void signOutEverywhere()} disabled={busy}>
        Sign out everywhere
      </button>

      <Alert>{error}</Alert>
      <Alert tone="notice">{done}</Alert>
    </>
  );
}
