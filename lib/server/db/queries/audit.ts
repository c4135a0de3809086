import "server-only";
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEvent, auditEvents } from "../schema";

export type NewAuditEvent = Omit<typeof auditEvents.$inferInsert, "id" | "at">;

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event);
}

/** Deletes events recorded before `before`; returns how many. */
export async function deleteAuditEventsBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(auditEvents).where(lt(auditEvents.at, before)).returning({ id: auditEvents.id });
  return rows.length;
}

export interface AuditFilter {
  userId?: string | null;
  via?: "api" | "browser" | null;
  /** Only refused or failed calls (status 400 and above). */
  failures?: boolean;
  /** Events whose action starts with this text (`download`, `GET /api/v1/queries`…). */
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

function where(filter: AuditFilter): SQL | undefined {
  return and(
    filter.userId ? eq(auditEvents.userId, filter.userId) : undefined,
    filter.via ? eq(auditEvents.via, filter.via) : undefined,
    filter.failures ? gte(auditEvents.status, 400) : undefined,
    // starts_with takes the text literally: no LIKE pattern characters to escape.
    filter.action ? sql`starts_with(${auditEvents.action}, ${filter.action})` : undefined,
    filter.from ? gte(auditEvents.at, filter.from) : undefined,
    filter.to ? lt(auditEvents.at, filter.to) : undefined,
  );
}

/** Newest first, a page at a time; `before` continues after the last id of the previous page. */
export async function listAuditEvents(
  db: Db,
  filter: AuditFilter,
  options: { before?: number | null; limit: number },
): Promise<AuditEvent[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(where(filter), options.before ? lt(auditEvents.id, options.before) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(options.limit);
}
