import "server-only";
import { and, asc, eq, or } from "drizzle-orm";
import type { Db } from "../client";
import { type Connection, connections, type NewConnection } from "../schema";

/** Shared connections and the user's own personal ones. */
export async function visibleConnections(db: Db, userId: string): Promise<Connection[]> {
  return db
    .select()
    .from(connections)
    .where(or(eq(connections.scope, "shared"), and(eq(connections.scope, "personal"), eq(connections.ownerId, userId))))
    .orderBy(asc(connections.name));
}

export async function findConnection(db: Db, id: string): Promise<Connection | null> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row ?? null;
}

export async function insertConnection(db: Db, connection: NewConnection): Promise<Connection> {
  const [row] = await db.insert(connections).values(connection).returning();
  return row;
}

export async function updateConnection(
  db: Db,
  id: string,
  changes: Partial<NewConnection>,
): Promise<Connection | null> {
  const [row] = await db
    .update(connections)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(connections.id, id))
    .returning();
  return row ?? null;
}

export async function deleteConnection(db: Db, id: string): Promise<void> {
  await db.delete(connections).where(eq(connections.id, id));
}
