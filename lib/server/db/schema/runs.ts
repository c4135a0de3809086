import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { Place, ResultColumn, RunError, RunStatus, StatementView } from "@/lib/results/types";
import type { RunParameter } from "@/lib/sql/parameters";
import { notebooks } from "./notebooks";
import { queries } from "./saved-queries";
import { users } from "./users";

/** Every run: the query history. The rows of its result are in the result store of `instanceId`. */
export const runs = pgTable(
  "runs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    connectionId: text("connection_id").notNull(),
    /** Set when the run is of a saved query's saved SQL: its viewers may see the result. */
    queryId: text("query_id").references(() => queries.id, { onDelete: "set null" }),
    /** Set when the run is of a notebook cell's saved SQL: the notebook's viewers may see the result. */
    notebookId: text("notebook_id").references(() => notebooks.id, { onDelete: "set null" }),
    sql: text("sql").notNull(),
    status: text("status").$type<RunStatus>().notNull(),
    columns: jsonb("columns").$type<ResultColumn[]>().notNull(),
    rowCount: bigint("row_count", { mode: "number" }).notNull().default(0),
    truncated: boolean("truncated").notNull().default(false),
    message: text("message"),
    statementCount: integer("statement_count").notNull(),
    error: jsonb("error").$type<RunError>(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true, precision: 3 }),
    firstPageMs: doublePrecision("first_page_ms"),
    instanceId: text("instance_id").notNull(),
    /** The stored rows were removed (retention); the history entry stays. */
    resultExpired: boolean("result_expired").notNull().default(false),
    /**
     * Set on the result of one statement of a script (a run of several
     * statements) that is not the script's last: the script is the run the
     * history lists and whose readers may read this result.
     */
    parentId: text("parent_id").references((): AnyPgColumn => runs.id, { onDelete: "cascade" }),
    /** Where the run's session ended up, when a statement may have moved it (USE); its tab starts there next. */
    place: jsonb("place").$type<Place>(),
    /** A script's statements, in order, with what each did (empty for one statement). */
    statements: jsonb("statements").$type<StatementView[]>().notNull().default([]),
    /** The values of the text's `:name` parameters the run was bound with (empty when it has none). */
    parameters: jsonb("parameters").$type<RunParameter[]>().notNull().default([]),
    /** The workspace user the statements ran as, when it was the member's own Databricks sign-in (OAuth user-to-machine). */
    ranAs: text("ran_as"),
  },
  (t) => [
    index("runs_user_started_idx").on(t.userId, t.startedAt),
    index("runs_query_started_idx").on(t.queryId, t.startedAt),
    index("runs_started_idx").on(t.startedAt),
    // Finding the running runs of a stopped instance (runs/instances.ts) reads only these.
    index("runs_running_idx").on(t.instanceId).where(sql`${t.status} = 'running'`),
  ],
);

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
