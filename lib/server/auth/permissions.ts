import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import { atLeast, highest, LEVEL_LABELS, LEVELS, type Level, type ObjectKind } from "@/lib/sharing";
import type { Db } from "../db/client";
import { grantedLevels } from "../db/queries/permissions";
import type { User } from "../db/schema";
import { runtime } from "../runtime";

/** Something that can be shared: a saved query or a notebook. */
export interface Shareable {
  id: string;
  ownerId: string;
}

/**
 * The user's level on an object: Can manage for its owner and for admins,
 * else the highest level granted to them or to any of their groups; null
 * when they have no access at all.
 */
export async function levelOn(
  user: Pick<User, "id" | "role">,
  kind: ObjectKind,
  object: Shareable,
): Promise<Level | null> {
  if (user.role === "admin" || object.ownerId === user.id) return "manage";
  const { db } = await runtime();
  return highest(await grantedLevels(db, kind, object.id, user.id));
}

const NOUNS: Record<ObjectKind, string> = { query: "query", notebook: "notebook" };

/**
 * The one permission check for shared objects. Without any access the object
 * looks exactly like one that does not exist; with too low a level the user
 * is told which level they have and which one is needed.
 */
export async function authorize<T extends Shareable>(
  user: User,
  kind: ObjectKind,
  object: T | null,
  needed: Level,
): Promise<{ object: T; level: Level }> {
  const level = object ? await levelOn(user, kind, object) : null;
  if (!object || level === null) throw notFoundError();
  if (!atLeast(level, needed))
    throw new UserError(
      `You have ${LEVEL_LABELS[level]} on this ${NOUNS[kind]}; this needs ${LEVEL_LABELS[needed]}. Ask its owner for more access.`,
      "forbidden",
    );
  return { object, level };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Finds a shared object by id and authorizes the user on it; a malformed id is simply not found. */
export async function findAuthorized<T extends Shareable>(
  user: User,
  kind: ObjectKind,
  id: string,
  needed: Level,
  find: (db: Db, id: string) => Promise<T | null>,
): Promise<{ object: T; level: Level }> {
  const found = UUID.test(id) ? await find((await runtime()).db, id) : null;
  return authorize(user, kind, found, needed);
}

/** The level a list shows: Can manage for owners and admins, else the highest granted rank (1 = view … 4 = manage). */
export function listedLevel(user: Pick<User, "id" | "role">, ownerId: string, grantedRank: number | null): Level {
  if (ownerId === user.id || user.role === "admin") return "manage";
  return LEVELS[(grantedRank ?? 1) - 1] ?? "view";
}
