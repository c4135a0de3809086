import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SessionCache } from "./auth/session-cache";
import { config, dataDir } from "./config";
import { type Keyring, loadKeyring, StartupError, verifyKeyCheck } from "./crypto/keyring";
import { hashPassword } from "./crypto/password";
import { type Db, openDb, underStartupLock } from "./db/client";
import { insertUser, userCount } from "./db/queries/users";
import { DuckDBEngine } from "./engines/duckdb/engine";
import { openWarehouse } from "./engines/duckdb/warehouse";
import type { Engine } from "./engines/types";
import { log } from "./log";
import { budgetLimits, describeLimits } from "./runs/budget";
import { RunCatalog } from "./runs/catalog";
import { savePendingEnds } from "./runs/final-save";
import { type Heartbeat, registerInstance, startHeartbeat } from "./runs/instances";
import { ResultStore } from "./runs/result-store";

export interface Runtime {
  /** The built-in warehouse. */
  engine: Engine;
  store: ResultStore;
  catalog: RunCatalog;
  db: Db;
  /** Live sessions this server has checked (auth/session-cache.ts). */
  sessions: SessionCache;
  /** The current key; `keys` has the previous one too during a rotation. */
  secretKey: Buffer;
  keys: Keyring;
  heartbeat: Heartbeat;
  /** Closes the metadata store (shutdown.ts). */
  closeMetadata(): Promise<void>;
}

// One runtime per server process; kept on globalThis so that every Next.js
// bundle (instrumentation, actions, routes) and dev-mode reloads share it
// instead of opening the same files twice.
const holder = globalThis as { __lakebookRuntime?: Promise<Runtime> };

/** The runtime if it was started (shutdown must not start one). */
export function startedRuntime(): Promise<Runtime> | undefined {
  return holder.__lakebookRuntime;
}

export function runtime(): Promise<Runtime> {
  holder.__lakebookRuntime ??= start().catch((error) => {
    holder.__lakebookRuntime = undefined;
    throw error;
  });
  return holder.__lakebookRuntime;
}

/**
 * The server's start (instrumentation.ts): opens the runtime, and ends the
 * process when it must not serve — a key that is missing or wrong would make
 * every stored secret fail — after saying why.
 */
export async function startRuntime(): Promise<void> {
  try {
    await runtime();
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    log.error(`Lakebook cannot start: ${error.message}`);
    process.exit(1);
  }
}

async function start(): Promise<Runtime> {
  const settings = config();
  const dir = dataDir();
  const threads = settings.LAKEBOOK_THREADS;
  const keys = loadKeyring(dir, {
    key: settings.LAKEBOOK_SECRET_KEY,
    previous: settings.LAKEBOOK_SECRET_KEY_PREVIOUS,
    sharedMetadata: Boolean(settings.DATABASE_URL),
  });
  const resultsDir = path.join(dir, "results");
  const budget = budgetLimits(resultsDir, {
    total: settings.LAKEBOOK_RESULTS_BUDGET,
    perMember: settings.LAKEBOOK_RESULTS_BUDGET_PER_USER,
  });
  const [warehouse, store, metadata] = await Promise.all([
    openWarehouse({
      dir: path.join(dir, "warehouse"),
      memoryLimit: settings.LAKEBOOK_WAREHOUSE_MEMORY,
      threads,
      tempLimit: settings.LAKEBOOK_WAREHOUSE_TEMP_LIMIT,
      tripsRows: settings.LAKEBOOK_SAMPLE_TRIPS_ROWS,
    }),
    ResultStore.open({ dir: resultsDir, memoryLimit: settings.LAKEBOOK_RESULTS_MEMORY, budget }),
    openDb({ url: settings.DATABASE_URL, dir: path.join(dir, "metadata") }),
  ]);
  // Before anything else reads the metadata store: a wrong key stops the start here.
  const adminHash = await adminPasswordHash(metadata.db);
  await underStartupLock(metadata.db, async (tx) => {
    const { rotated } = await verifyKeyCheck(tx, keys);
    if (rotated) log.info("the secret key changed: stored secrets are sealed again under the new key as they are used");
    await createAdminFromEnv(tx, adminHash);
  });
  const catalog = new RunCatalog(metadata.db, store, instanceId(dir));
  await catalog.init();
  await registerInstance(metadata.db, catalog.instanceId);
  const rt: Runtime = {
    engine: new DuckDBEngine(warehouse),
    store,
    catalog,
    db: metadata.db,
    sessions: new SessionCache(metadata.changes),
    secretKey: keys.current,
    keys,
    heartbeat: startHeartbeat(metadata.db, catalog.instanceId, savePendingEnds),
    closeMetadata: () => metadata.close(),
  };
  log.info(`result store budget: ${describeLimits(budget)}`);
  await sweepExpired(rt);
  setInterval(() => void sweepExpired(rt).catch((e) => log.error("result cleanup failed", e)), 15 * 60_000).unref();
  return rt;
}

/**
 * The hash for the admin from the environment, when one may be created: done
 * before the start-up lock is taken, so servers starting together do not wait
 * on each other's hashing.
 */
async function adminPasswordHash(db: Db): Promise<string | null> {
  const { LAKEBOOK_ADMIN_EMAIL: email, LAKEBOOK_ADMIN_PASSWORD: password } = config();
  if (!email || !password || (await userCount(db)) > 0) return null;
  return hashPassword(password);
}

/**
 * Unattended installs name the first admin in the environment instead of the
 * setup page. Runs under the start-up lock: of servers starting together,
 * exactly one creates the account.
 */
async function createAdminFromEnv(db: Db, passwordHash: string | null): Promise<void> {
  const { LAKEBOOK_ADMIN_EMAIL: email } = config();
  if (!email || !passwordHash || (await userCount(db)) > 0) return;
  await insertUser(db, { email, name: email.split("@")[0], passwordHash, role: "admin" });
  log.info(`created the admin account ${email} from LAKEBOOK_ADMIN_EMAIL`);
}

/** Deletes stored results older than LAKEBOOK_RESULT_TTL_HOURS; their history entries stay. */
export async function sweepExpired(rt: Runtime, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - config().LAKEBOOK_RESULT_TTL_HOURS * 3_600_000);
  return rt.catalog.expire(cutoff);
}

/** Names this server's data directory (and so its result store) among instances sharing a metadata store. */
function instanceId(dir: string): string {
  const file = path.join(dir, "instance-id");
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(/*turbopackIgnore: true*/ file, randomUUID(), { flag: "wx" });
  } catch {
    // Written on an earlier start (or by a concurrent one): keep it.
  }
  return fs.readFileSync(/*turbopackIgnore: true*/ file, "utf8").trim();
}
