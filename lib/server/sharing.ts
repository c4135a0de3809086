import "server-only";
import { UserError } from "@/lib/action-result";
import type { Grant, Level, ObjectKind, Principal, PrincipalKind } from "@/lib/sharing";
import { findAuthorized, type Shareable } from "./auth/permissions";
import type { Db } from "./db/client";
import { findGroup, findGroupsLike } from "./db/queries/groups";
import { findNotebook } from "./db/queries/notebooks";
import { deleteGrant, grantsOn, upsertGrant } from "./db/queries/permissions";
import { findQuery, likePattern } from "./db/queries/saved-queries";
import { findUser, findUsersLike } from "./db/queries/users";
import type { User } from "./db/schema";
import { runtime } from "./runtime";

/** How to find each kind of shared object. */
const loaders: Record<ObjectKind, (db: Db, id: string) => Promise<Shareable | null>> = {
  query: findQuery,
  notebook: findNotebook,
};

async function shareable(user: User, kind: ObjectKind, id: string, needed: Level) {
  return (await findAuthorized(user, kind, id, needed, loaders[kind])).object;
}

/** Who has access besides the owner. Anyone with access may see it; managers change it. */
export async function listGrants(user: User, kind: ObjectKind, id: string): Promise<Grant[]> {
  const object = await shareable(user, kind, id, "view");
  const rows = await grantsOn((await runtime()).db, kind, object.id);
  return rows
    .map((r) => ({
      principalKind: r.principalKind,
      principalId: r.principalId,
      level: r.level,
      name: (r.principalKind === "user" ? r.userName : r.groupName) ?? "(removed)",
      detail: r.principalKind === "user" ? (r.userEmail ?? "") : `${r.groupSize ?? 0} members`,
    }))
    .sort((a, b) => a.principalKind.localeCompare(b.principalKind) || a.name.localeCompare(b.name));
}

export async function share(
  user: User,
  kind: ObjectKind,
  id: string,
  principal: { kind: PrincipalKind; id: string },
  level: Level,
): Promise<Grant[]> {
  const object = await shareable(user, kind, id, "manage");
  const { db } = await runtime();
  const exists = principal.kind === "user" ? await findUser(db, principal.id) : await findGroup(db, principal.id);
  if (!exists) throw new UserError(`There is no such ${principal.kind} to share with.`);
  if (principal.kind === "user" && principal.id === object.ownerId)
    throw new UserError("The owner always has Can manage.");
  await upsertGrant(
    db,
    { kind, objectId: object.id, principalKind: principal.kind, principalId: principal.id, level },
    user.id,
  );
  return listGrants(user, kind, id);
}

export async function unshare(
  user: User,
  kind: ObjectKind,
  id: string,
  principal: { kind: PrincipalKind; id: string },
): Promise<Grant[]> {
  const object = await shareable(user, kind, id, "manage");
  await deleteGrant((await runtime()).db, kind, object.id, principal.kind, principal.id);
  return listGrants(user, kind, id);
}

/** Members and groups matching a search, for the share dialog. */
export async function findPrincipals(user: User, search: string): Promise<Principal[]> {
  const { db } = await runtime();
  const pattern = likePattern(search.trim());
  const people = await findUsersLike(db, pattern, 20);
  const teams = await findGroupsLike(db, pattern, 20);
  return [
    ...teams.map((g) => ({
      kind: "group" as const,
      id: g.id,
      name: g.name,
      detail: `${g.memberCount} members`,
    })),
    ...people
      .filter((p) => p.id !== user.id)
      .map((p) => ({ kind: "user" as const, id: p.id, name: p.name, detail: p.email })),
  ];
}
