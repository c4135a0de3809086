import "server-only";
import type { Db } from "../db/client";
import { insertSettingIfAbsent, settingValue, updateSetting } from "../db/queries/server-settings";
import { open, seal } from "./seal";
import { loadSecretKey, parseKey } from "./secret-key";

/**
 * The keys that seal stored secrets: the current one, and during a rotation
 * the one before it (LAKEBOOK_SECRET_KEY_PREVIOUS), which still opens what it
 * sealed until everything has been sealed again under the current key.
 */
export interface Keyring {
  current: Buffer;
  previous: Buffer | null;
  /** Where the current key came from, for the messages that name it. */
  source: "environment" | "file";
}

/** A start-up the server must refuse, with a message that says why and what to do. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * The server's keys. Several servers sharing one PostgreSQL (DATABASE_URL)
 * must seal and open with the same key: a key generated into each one's data
 * directory would make every secret saved on one unreadable on the others,
 * so there the key must come from the environment.
 */
export function loadKeyring(
  dataDir: string,
  env: { key?: string; previous?: string; sharedMetadata: boolean },
): Keyring {
  if (env.sharedMetadata && !env.key)
    throw new StartupError(
      "LAKEBOOK_SECRET_KEY is not set, and DATABASE_URL is. Every server that shares a metadata store must seal secrets with the same key, so it cannot be generated per server: generate one (`openssl rand -hex 32`) and give the same value to every instance.",
    );
  try {
    const current = loadSecretKey(dataDir, env.key);
    const previous = env.previous ? parseKey(env.previous) : null;
    return {
      current,
      previous: previous?.equals(current) ? null : previous,
      source: env.key ? "environment" : "file",
    };
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
}

export type Opened = { plaintext: string; stale: boolean };

/** Opens a sealed value with the current key, else the previous one (`stale`: seal it again). */
export function openWithKeyring(keys: Keyring, sealed: string, context: string): Opened {
  try {
    return { plaintext: open(keys.current, sealed, context), stale: false };
  } catch (error) {
    if (!keys.previous) throw error;
    return { plaintext: open(keys.previous, sealed, context), stale: true };
  }
}

const CHECK_NAME = "secret-key-check";
const CHECK_CONTEXT = "server-setting:secret-key-check";
const CHECK_TEXT = "lakebook: this metadata store's secrets are sealed under this key";

/**
 * A value sealed under the key at first start and opened at every start: a
 * server started with another key stops at once with a clear message, instead
 * of failing later on every stored secret with a generic error. During a
 * rotation the check is sealed again under the new key. Returns whether it was.
 */
export async function verifyKeyCheck(db: Db, keys: Keyring): Promise<{ rotated: boolean }> {
  await insertSettingIfAbsent(db, CHECK_NAME, seal(keys.current, CHECK_TEXT, CHECK_CONTEXT));
  const check = await settingValue(db, CHECK_NAME);
  let opened: Opened;
  try {
    // A missing check (never expected: it was just stored) fails to open like a wrong one.
    opened = openWithKeyring(keys, check ?? "", CHECK_CONTEXT);
  } catch {
    if (keys.source === "file")
      throw new StartupError(
        "The key in the data directory (secret.key) is not the key this metadata store's secrets were sealed with: the file was replaced or lost. Restore it, or set LAKEBOOK_SECRET_KEY to the key the store was set up with.",
      );
    throw new StartupError(
      keys.previous
        ? "Neither LAKEBOOK_SECRET_KEY nor LAKEBOOK_SECRET_KEY_PREVIOUS is the key this metadata store's secrets were sealed with. Start with the key it was set up with (every instance needs the same one)."
        : "LAKEBOOK_SECRET_KEY is not the key this metadata store's secrets were sealed with. Start with the key it was set up with (every instance needs the same one); to change keys, set the old one as LAKEBOOK_SECRET_KEY_PREVIOUS and the new one as LAKEBOOK_SECRET_KEY.",
    );
  }
  if (opened.plaintext !== CHECK_TEXT)
    throw new StartupError("The secret key check in server_settings is not Lakebook's.");
  if (!opened.stale) return { rotated: false };
  await updateSetting(db, CHECK_NAME, seal(keys.current, CHECK_TEXT, CHECK_CONTEXT));
  return { rotated: true };
}
