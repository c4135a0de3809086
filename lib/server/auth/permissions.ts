import "server-only";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import { atLeast, highest, LEVEL_LABELS, type Level, type ObjectKind } from "@/lib/sharing";
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
  if (!object || level === null) throw new UserError(NOT_FOUND);
  if (!atLeast(level, needed))
    throw new UserError(
      `You have ${LEVEL_LABELS[level]} on this ${NOUNS[kind]}; this needs ${LEVEL_LABELS[needed]}. Ask its owner for more access.`,
    );
  return { object, level };
}
