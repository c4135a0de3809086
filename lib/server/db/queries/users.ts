import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, ilike, or, sql } from "drizzle-orm";
import { noteChange } from "../changes";
import type { Db } from "../client";
import { type User, users } from "../schema";

export async function userCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row.n;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  return row ?? null;
}

export async function findUser(db: Db, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function listUsers(db: Db): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.email));
}

export async function insertUser(
  db: Db,
  user: { email: string; name: string; passwordHash: string | null; role: User["role"] },
): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ id: randomUUID(), ...user, email: user.email.trim() })
    .returning();
  return row;
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<Pick<User, "role" | "disabled" | "name" | "passwordHash" | "sessionsValidAfter">>,
): Promise<User | null> {
  const [row] = await db.update(users).set(changes).where(eq(users.id, id)).returning();
  noteChange();
  return row ?? null;
}

/**
 * Replaces a password hash only if it is still `expected`: a re-hash at a
 * higher cost must not undo a password change made in the meantime.
 */
export async function replacePasswordHash(db: Db, id: string, expected: string, next: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ passwordHash: next })
    .where(and(eq(users.id, id), eq(users.passwordHash, expected)))
    .returning({ id: users.id });
  noteChange();
  return rows.length === 1;
}

/** The advisory-lock key under which the first admin is created (see client.ts for the others). */
const FIRST_ADMIN_LOCK = 4711;

/**
 * Creates the first admin unless an account exists; false if one does. A lock
 * makes two simultaneous first visitors produce one admin.
 */
export async function insertFirstAdmin(
  db: Db,
  admin: { email: string; name: string; passwordHash: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`);
    if ((await userCount(tx)) > 0) return false;
    await insertUser(tx, { ...admin, role: "admin" });
    return true;
  });
}

/** Reads a member and locks the row until the transaction ends, so that decisions about it take turns. */
export async function lockUser(tx: Db, id: string): Promise<User | null> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for("update");
  return row ?? null;
}

/** Members whose name or email matches a LIKE pattern (see likePattern), by email. */
export async function findUsersLike(db: Db, pattern: string, limit: number) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(or(ilike(users.name, pattern), ilike(users.email, pattern)))
    .orderBy(asc(users.email))
    .limit(limit);
}
