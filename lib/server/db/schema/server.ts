import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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
