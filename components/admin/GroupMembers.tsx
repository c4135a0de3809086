"use client";

import { useRouter } from "next/navigation";
import type React from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { addGroupMemberAction, removeGroupMemberAction } from "@/lib/actions/groups";
import type { GroupMemberView, GroupView } from "@/lib/groups";

/** One group's members: add anyone from the member list by name or email, remove them again. */
export function GroupMembers({
  group,
  members,
  people,
}: {
  group: GroupView;
  members: GroupMemberView[];
  people: GroupMemberView[];
}) {
  const router = useRouter();
  const { run, error, setError } = useAction();
  const inGroup = new Set(members.map((m) => m.id));
  const candidates = people.filter((p) => !p.disabled && !inGroup.has(p.id));

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    const person = pick(candidates, String(new FormData(form).get("member") ?? ""));
    if (!person) {
      const typed = String(new FormData(form).get("member") ?? "").trim();
      const already = members.some((m) => matches(m, typed));
      return setError(
        already ? `${typed} is already in ${group.name}.` : "Pick someone from the member list: type a name or email.",
      );
    }
    const result = await run(() => addGroupMemberAction({ groupId: group.id, userId: person.id }));
    if (!result?.ok) return;
    form.reset();
    router.refresh();
  }

  async function remove(member: GroupMemberView) {
    await run(() => removeGroupMemberAction({ groupId: group.id, userId: member.id }));
    router.refresh();
  }

  return (
    <section aria-label={`Members of ${group.name}`} className="group-members">
      <h2>Members of {group.name}</h2>
      <Alert>{error}</Alert>
      {members.length === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <table className="list" aria-label={`Members of ${group.name}`}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td>
                  {m.email}
                  {m.disabled && <span className="muted small"> · disabled</span>}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    onClick={() => void remove(m)}
                    aria-label={`Remove ${m.email} from ${group.name}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form add-member" onSubmit={add}>
        <label>
          Add a member
          <input name="member" list="group-candidates" placeholder="Name or email" autoComplete="off" required />
        </label>
        <datalist id="group-candidates">
          {candidates.map((p) => (
            <option key={p.id} value={p.email}>
              {p.name}
            </option>
          ))}
        </datalist>
        <button type="submit" className="primary">
          Add
        </button>
      </form>
    </section>
  );
}

function matches(person: GroupMemberView, typed: string): boolean {
  const text = typed.trim().toLowerCase();
  return person.email.toLowerCase() === text || person.name.toLowerCase() === text;
}

/** The one candidate whose email (or, if unambiguous, name) was typed. */
function pick(candidates: GroupMemberView[], typed: string): GroupMemberView | null {
  const text = typed.trim().toLowerCase();
  const byEmail = candidates.find((p) => p.email.toLowerCase() === text);
  if (byEmail) return byEmail;
  const byName = candidates.filter((p) => p.name.toLowerCase() === text);
  return byName.length === 1 ? byName[0] : null;
}
