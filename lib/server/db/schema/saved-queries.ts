import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { users } from "./users";

/** A saved query. `version` grows with every save; a save names the version it edits (optimistic concurrency). */
export const queries = pgTable(
  "queries",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    sql: text("sql").notNull(),
    connectionId: text("connection_id").notNull(),
    /** The widgets of the SQL's `:name` parameters: type, default value, a dropdown's choices. */
    parameters: jsonb("parameters").$type<ParameterSpec[]>().notNull().default([]),
    /** The chart shown under its result (columns by name), if it has one. */
    chart: jsonb("chart").$type<ChartSpec>(),
    version: integer("version").notNull().default(1),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("queries_owner_idx").on(t.ownerId, t.updatedAt), index("queries_updated_idx").on(t.updatedAt)],
);

/** Every saved version of a query, the current one included. */
export const queryVersions = pgTable(
  "query_versions",
  {
    queryId: text("query_id")
      .notNull()
      .references(() => queries.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    sql: text("sql").notNull(),
    connectionId: text("connection_id").notNull(),
    parameters: jsonb("parameters").$type<ParameterSpec[]>().notNull().default([]),
    chart: jsonb("chart").$type<ChartSpec>(),
    savedBy: text("saved_by").references(() => users.id, { onDelete: "set null" }),
    savedAt: timestamp("saved_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.queryId, t.version] })],
);

export type Query = typeof queries.$inferSelect;
export type QueryVersion = typeof queryVersions.$inferSelect;
