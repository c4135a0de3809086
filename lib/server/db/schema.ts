import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The metadata store: who may sign in, and the warehouse connections they use.
 * Runs and their results live in the result store (lib/server/runs).
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
    /** Sessions issued before this instant are no longer valid (sign-out everywhere, disable, password change). */
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
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
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

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Invitation = typeof invitations.$inferSelect;
export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
