import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { CellKind, ChartSpec } from "@/lib/notebooks/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { users } from "./users";

/**
 * A notebook: ordered cells of SQL and Markdown. `version` grows with every
 * save of its content; a save names the version it edits, so concurrent
 * edits are refused instead of overwriting each other.
 */
export const notebooks = pgTable(
  "notebooks",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    /** The connection SQL cells run on unless they name their own. */
    connectionId: text("connection_id").notNull(),
    /** Notebook-level parameters: the widgets of the `:name` markers of its SQL cells, shared by every cell, with their defaults. */
    parameters: jsonb("parameters").$type<ParameterSpec[]>().notNull().default([]),
    version: integer("version").notNull().default(1),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notebooks_owner_idx").on(t.ownerId, t.updatedAt), index("notebooks_updated_idx").on(t.updatedAt)],
);

/** A notebook's cells, in `position` order. `lastRunId` is the cell's stored result, kept past the retention period. */
export const notebookCells = pgTable(
  "notebook_cells",
  {
    id: text("id").primaryKey(),
    notebookId: text("notebook_id")
      .notNull()
      .references(() => notebooks.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    kind: text("kind").$type<CellKind>().notNull(),
    source: text("source").notNull().default(""),
    connectionId: text("connection_id"),
    chart: jsonb("chart").$type<ChartSpec>(),
    lastRunId: text("last_run_id"),
  },
  (t) => [
    index("notebook_cells_notebook_idx").on(t.notebookId, t.position),
    index("notebook_cells_run_idx").on(t.lastRunId),
  ],
);

export type Notebook = typeof notebooks.$inferSelect;
export type NotebookCellRow = typeof notebookCells.$inferSelect;
