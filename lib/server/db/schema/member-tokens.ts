import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { users } from "./users";

/**
 * A member's own Databricks sign-in on an OAuth user-to-machine connection:
 * the workspace's refresh token, sealed like a connection's secret and bound
 * to this connection and this member (a row copied elsewhere does not open).
 * Goes with the connection and with the member; disabling the member deletes it.
 */
export const memberTokens = pgTable(
  "member_tokens",
  {
    connectionId: text("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The refresh token, sealed with AES-256-GCM; rotates at every refresh. */
    sealedRefreshToken: text("sealed_refresh_token").notNull(),
    /** The workspace user, from the access token's `sub`: for display only, never trusted for anything. */
    workspaceUser: text("workspace_user").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.userId] }), index("member_tokens_user_idx").on(t.userId)],
);

export type MemberToken = typeof memberTokens.$inferSelect;
