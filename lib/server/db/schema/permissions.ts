import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { Level, ObjectKind, PrincipalKind } from "@/lib/sharing";
import { users } from "./users";

/**
 * Who may do what with a shared object (a query, later a notebook): a user or
 * a group, at one level. Owners and admins have Can manage without a row.
 */
export const permissions = pgTable(
  "permissions",
  {
    objectKind: text("object_kind").$type<ObjectKind>().notNull(),
    objectId: text("object_id").notNull(),
    principalKind: text("principal_kind").$type<PrincipalKind>().notNull(),
    principalId: text("principal_id").notNull(),
    level: text("level").$type<Level>().notNull(),
    grantedBy: text("granted_by").references(() => users.id, { onDelete: "set null" }),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.objectKind, t.objectId, t.principalKind, t.principalId] }),
    index("permissions_principal_idx").on(t.principalKind, t.principalId, t.objectKind),
  ],
);

export type Permission = typeof permissions.$inferSelect;
