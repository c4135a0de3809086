import "server-only";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { log } from "../log";
import { type ChangeFeed, PostgresChanges, pgliteChanges } from "./changes";
import { retryEndedConnections } from "./ended-connections";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** What changed in the tables behind sign-in, for caches of them (changes.ts). */
  changes: ChangeFeed;
  close(): Promise<void>;
}

const MIGRATIONS = path.join(process.cwd(), "lib/server/db/migrations");

/**
 * PostgreSQL advisory-lock keys (any 64-bit numbers no other application on
 * the database uses): servers that start together take turns to migrate the
 * schema and to run the start-up step, instead of both creating the same
 * tables or the same first admin, where one of them would fail to start.
 */
const MIGRATION_LOCK = 7_420_120_001;
const STARTUP_LOCK = 7_420_120_002;

const CONNECT_TIMEOUT_MS = 10_000;
const POOL_SIZE = 10;
/**
 * Metadata queries are small: one that takes seconds waits on a lock or a
 * server in trouble, and must fail (the caller retries or says so) rather than
 * hold one of the pool's connections.
 */
const POOL_TIMEOUTS = {
  connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  idleTimeoutMillis: 30_000,
  statement_timeout: 15_000,
  idle_in_transaction_session_timeout: 60_000,
  keepAlive: true,
};

/**
 * The metadata store is small: PostgreSQL's default buffers would make the
 * embedded database the biggest user of the server's memory (measured: 290 MB
 * RSS for an idle PGlite with defaults, 190 MB with 16MB shared buffers;
 * 4MB saves another ~12 MB).
 */
const PGLITE_SETTINGS = [
  "-c",
  "shared_buffers=4MB",
  "-c",
  "wal_buffers=1MB",
  "-c",
  "work_mem=2MB",
  "-c",
  "temp_buffers=1MB",
];

/**
 * First start only: `initdb` inside PGlite briefly takes ~700 MB, and a process
 * rarely gives such a peak back; doing it in a short-lived child process keeps
 * the server's own memory flat.
 */
function initializeInChildProcess(dir: string): void {
  const script = `import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create(${JSON.stringify(dir)}, { startParams: [...PGlite.defaultStartParams, ...${JSON.stringify(PGLITE_SETTINGS)}] });
await db.close();`;
  execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: process.cwd(), stdio: "inherit" });
}

/**
 * Opens the metadata store and brings its schema up to date. PostgreSQL when a
 * URL is given (several Lakebook servers can share it), else PGlite — embedded
 * PostgreSQL — in the data directory.
 */
export async function openDb(options: { url?: string; dir: string }): Promise<DbHandle> {
  if (options.url) {
    const [{ Client, Pool }, { drizzle }, { migrate }] = await Promise.all([
      import("pg"),
      import("drizzle-orm/node-postgres"),
      import("drizzle-orm/node-postgres/migrator"),
    ]);
    // Migrations run on a connection of their own, without the statement timeout.
    const migrator = new Client({ connectionString: options.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    migrator.on("error", (error) => log.warn("metadata store: the migration connection failed", error));
    await migrator.connect();
    try {
      // Session-level: held until unlocked, or until this connection ends if the server dies meanwhile.
      await migrator.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await migrate(drizzle(migrator, { schema }), { migrationsFolder: MIGRATIONS });
      await migrator.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    } finally {
      await migrator.end().catch(() => {});
    }
    const pool = new Pool({ connectionString: options.url, max: POOL_SIZE, ...POOL_TIMEOUTS });
    // An idle connection that dies (PostgreSQL restarts, an admin ends it) is reported
    // here; without a listener that would end the process. The pool drops it and
    // opens another when one is needed.
    pool.on("error", (error) => log.warn("metadata store: an idle connection failed", error));
    const db = drizzle(pool, { schema }) as unknown as Db;
    retryEndedConnections(pool, db, POOL_SIZE);
    const changes = new PostgresChanges(
      () =>
        new Client({
          connectionString: options.url,
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          keepAlive: true,
          application_name: "lakebook-changes",
        }),
    );
    await changes.start();
    return {
      db,
      kind: "postgres",
      changes,
      close: async () => {
        await changes.close();
        await pool.end();
      },
    };
  }
  // PGlite is PostgreSQL compiled to WebAssembly. V8 compiles its hot functions a
  // second time with the optimizing compiler, which holds ~70 MB at the peak and
  // ~40 MB for good; the baseline compiler alone serves the metadata store's small
  // queries as fast (measured 0.5-0.8 ms per query either way). Set before the
  // module is compiled; it applies to WebAssembly only.
  v8.setFlagsFromString("--liftoff-only");
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  fs.mkdirSync(options.dir, { recursive: true });
  if (!fs.existsSync(/*turbopackIgnore: true*/ path.join(options.dir, "PG_VERSION")))
    initializeInChildProcess(options.dir);
  const client = await PGlite.create(options.dir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  const changes = await pgliteChanges(client);
  return {
    db: db as unknown as Db,
    kind: "pglite",
    changes,
    close: async () => {
      await changes.close().catch(() => {});
      await client.close();
    },
  };
}

/**
 * Runs `work` in a transaction holding the start-up lock (see STARTUP_LOCK):
 * one server at a time checks the key and creates the admin from the
 * environment. PGlite has one connection and one server; the lock costs
 * nothing there.
 */
export async function underStartupLock<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${STARTUP_LOCK})`);
    return work(tx as unknown as Db);
  });
}

/** A trivial query: resolves when the metadata store answers. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`);
}
