import "server-only";
import { randomUUID } from "node:crypto";
import { asc, count, eq, sql } from "drizzle-orm";
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
  return row ?? null;
}
