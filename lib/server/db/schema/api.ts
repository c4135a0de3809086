import { bigint, bigserial, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A member's personal API token for scripts (`Authorization: Bearer lkb_…`).
 * Only the token's SHA-256 is stored: the token itself is shown once, when it
 * is made. A token acts for its member with at most its scopes, and only while
 * the member is enabled and the token is neither revoked nor expired.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** SHA-256 (hex) of the whole token; the token is 256 random bits, so no salt or slow hash is needed. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first characters (`lkb_AbCd`), so a member can tell their tokens apart. */
    prefix: text("prefix").notNull(),
    /** What the token may do: `read` results, `run` saved queries, `sql` on connections. */
    scopes: text("scopes").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Updated at most once a minute, so a busy script does not write on every call. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** Who revoked it: the member, or an admin. */
    revokedBy: text("revoked_by"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/**
 * What was taken out of the server and by whom: every API call and every
 * download in the browser. Kept when a member or token goes (ids, not
 * references), so that the record outlives what it names.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    userId: text("user_id"),
    /** The member's e-mail when the event was recorded (a removed member is still named). */
    userEmail: text("user_email"),
    tokenId: text("token_id"),
    /** `api` (a token) or `browser` (a signed-in session). */
    via: text("via", { enum: ["api", "browser"] }).notNull(),
    /** What was asked: `GET /api/v1/queries/{id}/results.csv`, `download csv`… */
    action: text("action").notNull(),
    objectType: text("object_type"),
    objectId: text("object_id"),
    status: integer("status").notNull(),
    rows: bigint("rows", { mode: "number" }),
    bytes: bigint("bytes", { mode: "number" }),
    /** A refusal's reason, or what else is worth knowing (at most 500 characters). */
    detail: text("detail"),
    clientAddress: text("client_address"),
  },
  (t) => [index("audit_events_at_idx").on(t.at), index("audit_events_user_idx").on(t.userId, t.at)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
