"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type React from "react";
import { useState } from "react";
import { Alert } from "@/components/ui/Alert";
import { useAction } from "@/components/ui/use-action";
import { createGroupAction, deleteGroupAction, renameGroupAction } from "@/lib/actions/groups";
import type { GroupMemberView, GroupView } from "@/lib/groups";
import { GroupMembers } from "./GroupMembers";

const PAGE = "/admin/groups";

export function GroupsAdmin({
  groups,
  selected,
  members,
  people,
}: {
  groups: GroupView[];
  selected: GroupView | null;
  members: GroupMemberView[];
  people: GroupMemberView[];
}) {
  const router = useRouter();
  const { run, error } = useAction();
  const [renaming, setRenaming] = useState<string | null>(null);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const result = await run(() => createGroupAction({ name: String(new FormData(form).get("name") ?? "") }));
    if (!result?.ok) return;
    form.reset();
    // Open the new group: adding its members is what comes next.
    router.push(`${PAGE}?group=${result.data.id}`);
  }

  async function rename(event: React.FormEvent<HTMLFormElement>, group: GroupView) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "");
    const result = await run(() => renameGroupAction({ groupId: group.id, name }));
    if (!result?.ok) return;
    setRenaming(null);
    router.refresh();
  }

  async function remove(group: GroupView) {
    const who = group.memberCount === 1 ? "its member" : `its ${group.memberCount} members`;
    if (
      !window.confirm(
        `Delete the group "${group.name}"? What was shared with the group is no longer shared with ${who}.`,
      )
    )
      return;
    const result = await run(() => deleteGroupAction({ groupId: group.id }));
    if (!result?.ok) return;
    if (selected?.id === group.id) router.push(PAGE);
    else router.refresh();
  }

  return (
    <div className="groups-layout">
      <section aria-label="All groups">
        <Alert>{error}</Alert>
        {groups.length === 0 ? (
          <p className="muted">No groups yet. Share with a group to share with several members at once.</p>
        ) : (
          <table className="list" aria-label="Groups">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Members</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id} className={selected?.id === g.id ? "selected" : undefined}>
                  {renaming === g.id ? (
                    <td colSpan={3}>
                      <form className="inline-form" onSubmit={(event) => void rename(event, g)}>
                        <input
                          name="name"
                          defaultValue={g.name}
                          aria-label={`New name for ${g.name}`}
                          required
                          autoFocus
                        />
                        <button type="submit" className="primary">
                          Save
                        </button>
                        <button type="button" onClick={() => setRenaming(null)}>
                          Cancel
                        </button>
                      </form>
                    </td>
                  ) : (
                    <>
                      <td>
                        <Link href={`${PAGE}?group=${g.id}`} aria-current={selected?.id === g.id ? "true" : undefined}>
                          {g.name}
                        </Link>
                      </td>
                      <td className="num">{g.memberCount}</td>
                      <td className="actions">
                        <button type="button" onClick={() => setRenaming(g.id)} aria-label={`Rename ${g.name}`}>
                          Rename
                        </button>
                        <button type="button" onClick={() => void remove(g)} aria-label={`Delete ${g.name}`}>
                          Delete
                        </button>
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>Create a group</h2>
        <form className="form" onSubmit={create}>
          <label>
            Group name
            <input name="name" required maxLength={100} />
          </label>
          <button type="submit" className="primary">
            Create group
          </button>
        </form>
      </section>
      {selected ? (
        <GroupMembers key={selected.id} group={selected} members={members} people={people} />
      ) : (
        groups.length > 0 && <p className="muted">Open a group to see and change its members.</p>
      )}
    </div>
  );
}
