import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { ChartSpec } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import type { TabPlace } from "@/lib/tabs";
import { queries } from "./saved-queries";
import { users } from "./users";

/** A user's open editor tabs. `sql` is the draft, saved as they type; `baseVersion` is the query version it started from. */
export const editorTabs = pgTable(
  "editor_tabs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    queryId: text("query_id").references(() => queries.id, { onDelete: "set null" }),
    baseVersion: integer("base_version"),
    sql: text("sql").notNull().default(""),
    /** The draft's parameter widgets and their current values. */
    parameters: jsonb("parameters").$type<ParameterSpec[]>().notNull().default([]),
    /** The draft's chart of its result, if it has one. */
    chart: jsonb("chart").$type<ChartSpec>(),
    connectionId: text("connection_id").notNull(),
    /** The tab's last run, so its result comes back with it. */
    lastRunId: text("last_run_id"),
    /** Where the tab's last run left its session (after USE), re-applied at the start of its next run. */
    place: jsonb("place").$type<TabPlace>(),
    /** Grows with every draft save, so a late save never overwrites a newer one. */
    revision: integer("revision").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("editor_tabs_user_idx").on(t.userId, t.position)],
);

export type EditorTab = typeof editorTabs.$inferSelect;
