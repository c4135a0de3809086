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

/** Every connection's id and name, for lists that show where something runs. */
export async function connectionNameList(db: Db): Promise<Pick<Connection, "id" | "name">[]> {
  return db.select({ id: connections.id, name: connections.name }).from(connections);
}

/** Every connection's sealed secret, to seal them all again under a new key. */
export async function sealedSecrets(db: Db): Promise<Pick<Connection, "id" | "name" | "sealedSecret">[]> {
  return db
    .select({ id: connections.id, name: connections.name, sealedSecret: connections.sealedSecret })
    .from(connections);
}

/**
 * Replaces a sealed secret only if the row still holds `was`, and without
 * touching `updatedAt` (which names the version its engines were built for).
 */
export async function replaceSealedSecret(db: Db, id: string, was: string, sealedSecret: string): Promise<void> {
  await db
    .update(connections)
    .set({ sealedSecret })
    .where(and(eq(connections.id, id), eq(connections.sealedSecret, was)));
}
