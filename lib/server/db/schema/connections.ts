import { boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

export const connections = pgTable(
  "connections",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Server hostname of the workspace, e.g. adb-123.4.azuredatabricks.net. */
    host: text("host").notNull(),
    port: text("port").notNull().default("443"),
    httpPath: text("http_path").notNull(),
    authType: text("auth_type", { enum: ["token", "oauth-m2m", "oauth-u2m"] }).notNull(),
    /** OAuth client id: the service principal's (M2M) or the workspace OAuth app's (U2M); not a secret. */
    clientId: text("client_id"),
    /** The token or client secret, sealed with AES-256-GCM (lib/server/crypto); "" sealed for a public OAuth app (U2M). */
    sealedSecret: text("sealed_secret").notNull(),
    /** Last four characters of the secret, shown so people can tell secrets apart. */
    secretHint: text("secret_hint").notNull(),
    defaultCatalog: text("default_catalog"),
    defaultSchema: text("default_schema"),
    /** Large results may come as links into the workspace's cloud storage, which the server downloads (CloudFetch). */
    cloudFetch: boolean("cloud_fetch").notNull().default(true),
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

export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
