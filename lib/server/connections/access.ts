import "server-only";
import type { z } from "zod";
import { notFoundError, UserError } from "@/lib/action-result";
import type { connectionInput } from "@/lib/schemas/connections";
import { findConnection } from "../db/queries/connections";
import type { Connection, User } from "../db/schema";
import { runtime } from "../runtime";

/** The built-in DuckDB warehouse: every member may use it, and it has no row. */
export const BUILTIN_ID = "builtin";

/** The SQL dialect of a connection, from its id: DuckDB's for the built-in warehouse, else Databricks'. */
export const dialectOfConnection = (connectionId: string): "duckdb" | "databricks" =>
  connectionId === BUILTIN_ID ? "duckdb" : "databricks";

/**
 * Who may do what with a connection: everyone uses shared ones and admins
 * manage them; a personal connection exists only for its owner. Anything a
 * user may not use looks exactly like a connection that does not exist.
 */
export function canUse(user: User, connection: Connection): boolean {
  return connection.scope === "shared" || connection.ownerId === user.id;
}

export function canManage(user: User, connection: Connection): boolean {
  return connection.scope === "shared" ? user.role === "admin" : connection.ownerId === user.id;
}

/** The connection, if the user may use it; else exactly "not found". */
export async function usable(user: User, id: string): Promise<Connection> {
  const { db } = await runtime();
  const row = await findConnection(db, id);
  if (!row || !canUse(user, row)) throw notFoundError();
  return row;
}

/** The connection, if the user may change or remove it. */
export async function manageable(user: User, id: string): Promise<Connection> {
  const row = await usable(user, id);
  if (!canManage(user, row)) throw new UserError("Only an admin can change a shared connection.", "forbidden");
  return row;
}

export type ConnectionInput = z.infer<typeof connectionInput>;

/** Whether network detail (what failed, which address) may be shown to this user: admins only. */
export function revealsNetwork(user: User): boolean {
  return user.role === "admin";
}
