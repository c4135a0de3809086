import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { CellKind, ChartSpec } from "@/lib/notebooks/types";
import type { ResultColumn, RunError, RunStatus } from "@/lib/results/types";
import type { Level, ObjectKind, PrincipalKind } from "@/lib/sharing";

/**
 * The metadata store: who may sign in, the warehouse connections they use,
 * their saved queries and who they are shared with, editor tabs with their
 * drafts, and the history of runs. Result rows live in the result store
 * (lib/server/runs), one table per run.
 */

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** scrypt hash; null for members who only sign in with single sign-on. */
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["admin", "member"] })
      .notNull()
      .default("member"),
    disabled: boolean("disabled").notNull().default(false),
    /** No longer read: sessions end by revoking their rows in user_sessions. Kept until a migration drops it. */
    sessionsValidAfter: timestamp("sessions_valid_after", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

/** An admin's invitation: whoever opens its link sets a password and joins with the role. */
export const invitations = pgTable("invitations", {
  /** SHA-256 of the token in the link; the token itself is never stored. */
  tokenHash: text("token_hash").primaryKey(),
  email: text("email").notNull(),
  role: text("role", { enum: ["admin", "member"] }).notNull(),
  invitedBy: text("invited_by")
    .notNull()
    .references(() => users.id),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  acceptedAt: timestamp("accepted_at", { withTimezone: true }),
  /** Set when an admin withdraws the invitation; its link no longer works. */
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per sign-in. The session cookie carries only this row's id: the
 * server decides whether it is still valid (absolute lifetime from the
 * sign-in, sign-out everywhere, password change), not the cookie.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The absolute end of the session: refreshing the cookie never moves it. */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/**
 * A single sign-on identity bound to an account at its first sign-in: later
 * sign-ins match on the issuer and subject, never on the email claim.
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The email claim last seen, for admins; never used to match. */
    email: text("email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index("user_identities_user_idx").on(t.userId)],
);

/** An admin's password-reset link: one-time and expiring, like an invitation. */
export const passwordResets = pgTable("password_resets", {
  /** SHA-256 of the token in the link; the token itself is never stored. */
  tokenHash: text("token_hash").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Counters of the rate limiter (sign-in attempts per account and per client
 * address), kept here so that every instance on this store shares them.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expiresAt: timestamp("expires_at", { withTimezone: true, precision: 3 }),
});

/** Facts about the server itself, such as the check value that tells whether the secret key is the right one. */
export const serverSettings = pgTable("server_settings", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const connections = pgTable(
  "connections",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Server hostname of the workspace, e.g. adb-123.4.azuredatabricks.net. */
    host: text("host").notNull(),
    port: text("port").notNull().default("443"),
    httpPath: text("http_path").notNull(),
    authType: text("auth_type", { enum: ["token", "oauth-m2m"] }).notNull(),
    /** Service principal's client id (OAuth M2M); not a secret. */
    clientId: text("client_id"),
    /** The token or client secret, sealed with AES-256-GCM (lib/server/crypto). */
    sealedSecret: text("sealed_secret").notNull(),
    /** Last four characters of the secret, shown so people can tell secrets apart. */
    secretHint: text("secret_hint").notNull(),
    defaultCatalog: text("default_catalog"),
    defaultSchema: text("default_schema"),
    /** "shared": every member may use it, admins manage it; "personal": only its owner. */
    scope: text("scope", { enum: ["shared", "personal"] }).notNull(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("connections_owner_idx").on(t.ownerId)],
);

export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("groups_name_key").on(sql`lower(${t.name})`)],
);

export const groupMembers = pgTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

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
    savedBy: text("saved_by").references(() => users.id, { onDelete: "set null" }),
    savedAt: timestamp("saved_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.queryId, t.version] })],
);

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
    connectionId: text("connection_id").notNull(),
    /** The tab's last run, so its result comes back with it. */
    lastRunId: text("last_run_id"),
    /** Grows with every draft save, so a late save never overwrites a newer one. */
    revision: integer("revision").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("editor_tabs_user_idx").on(t.userId, t.position)],
);

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
  },
  (t) => [
    index("runs_user_started_idx").on(t.userId, t.startedAt),
    index("runs_query_started_idx").on(t.queryId, t.startedAt),
    index("runs_started_idx").on(t.startedAt),
    // Finding the running runs of a stopped instance (runs/instances.ts) reads only these.
    index("runs_running_idx").on(t.instanceId).where(sql`${t.status} = 'running'`),
  ],
);

/**
 * Servers sharing this metadata store, each by the id of its data directory:
 * each one refreshes its heartbeat while it runs, so that the others can tell
 * when it stopped and end the runs it left "running".
 */
export const instances = pgTable("instances", {
  id: text("id").primaryKey(),
  startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, precision: 3 }).notNull(),
});

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Invitation = typeof invitations.$inferSelect;
export type UserSession = typeof userSessions.$inferSelect;
export type UserIdentity = typeof userIdentities.$inferSelect;
export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
export type Group = typeof groups.$inferSelect;
export type Query = typeof queries.$inferSelect;
export type QueryVersion = typeof queryVersions.$inferSelect;
export type Permission = typeof permissions.$inferSelect;
export type EditorTab = typeof editorTabs.$inferSelect;
export type Run = typeof runs.$inferSelect;
export type Notebook = typeof notebooks.$inferSelect;
export type NotebookCellRow = typeof notebookCells.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
