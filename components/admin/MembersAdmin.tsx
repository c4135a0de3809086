"use client";

import { useRouter } from "next/navigation";
import type React from "react";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import {
  changeMemberAction,
  createPasswordResetAction,
  inviteMemberAction,
  revokeInvitationAction,
} from "@/lib/actions/members";

interface Member {
  id: string;
  name: string;
  email: string;
  role: "admin" | "member";
  disabled: boolean;
  sso: boolean;
}

interface PendingInvitation {
  /** The hash of the invitation's token: names it without being its link. */
  id: string;
  email: string;
  role: string;
  expiresAt: string;
}

export function MembersAdmin({
  me,
  members,
  invitations,
}: {
  me: string;
  members: Member[];
  invitations: PendingInvitation[];
}) {
  const router = useRouter();
  const { run, error } = useAction();
  const [link, setLink] = useState<string | null>(null);
  const [resetLink, setResetLink] = useState<{ email: string; url: string; hours: number } | null>(null);

  async function createResetLink(member: Member) {
    setResetLink(null);
    const result = await run(() => createPasswordResetAction({ userId: member.id }));
    if (!result?.ok) return;
    setResetLink({
      email: member.email,
      url: `${window.location.origin}${result.data.path}`,
      hours: result.data.hours,
    });
  }

  async function change(userId: string, change: { role?: Member["role"]; disabled?: boolean }) {
    await run(() => changeMemberAction({ userId, ...change }));
    router.refresh();
  }

  async function revoke(invitation: PendingInvitation) {
    await run(() => revokeInvitationAction({ id: invitation.id }));
    router.refresh();
  }

  async function inviteMember(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setLink(null);
    const result = await run(() =>
      inviteMemberAction({
        email: String(form.get("email") ?? ""),
        role: form.get("role") === "admin" ? "admin" : "member",
      }),
    );
    if (!result?.ok) return;
    setLink(`${window.location.origin}${result.data.path}`);
    formElement.reset();
    router.refresh();
  }

  return (
    <>
      <Alert>{error}</Alert>
      <table className="list" aria-label="Members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>
                {m.name}
                {m.id === me && <span className="muted"> (you)</span>}
              </td>
              <td>
                {m.email}
                {m.sso && <span className="muted small"> · single sign-on</span>}
              </td>
              <td>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(event) => void change(m.id, { role: event.target.value as Member["role"] })}
                >
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
              </td>
              <td>{m.disabled ? "disabled" : "active"}</td>
              <td>
                <button
                  type="button"
                  onClick={() => void change(m.id, { disabled: !m.disabled })}
                  aria-label={`${m.disabled ? "Enable" : "Disable"} ${m.email}`}
                >
                  {m.disabled ? "Enable" : "Disable"}
                </button>{" "}
                {m.id !== me && (
                  <button
                    type="button"
                    onClick={() => void createResetLink(m)}
                    aria-label={`Reset the password of ${m.email}`}
                  >
                    Reset password
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {resetLink && (
        <p>
          Send this link to {resetLink.email} (it works once, for {resetLink.hours} hours; their sessions end when they
          use it):
          <br />
          <output className="invite-link" aria-label="Password-reset link">
            {resetLink.url}
          </output>
        </p>
      )}

      <h2>Invite a member</h2>
      <form className="form" onSubmit={inviteMember}>
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="member">
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" className="primary">
          Create invitation link
        </button>
      </form>
      {link && (
        <p>
          Send this link to them (it works once, for 7 days):
          <br />
          <output className="invite-link" aria-label="Invitation link">
            {link}
          </output>
        </p>
      )}
      {invitations.length > 0 && (
        <>
          <h2>Open invitations</h2>
          <p className="muted small">
            An invitation lets its email join once, with a password through its link or with single sign-on. Revoke it
            to withdraw both.
          </p>
          <table className="list" aria-label="Open invitations">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Valid until</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{i.role}</td>
                  <td>{new Date(i.expiresAt).toLocaleDateString()}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => void revoke(i)}
                      aria-label={`Revoke the invitation of ${i.email}`}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
