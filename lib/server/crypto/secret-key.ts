import "server-only";
import { createHash, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The server's master key: LAKEBOOK_SECRET_KEY (32 bytes as 64 hex characters
 * or base64) when set, else a random key generated on first start into the
 * data directory, readable by the server's user only.
 */
export function loadSecretKey(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) return parseKey(fromEnv);
  const file = path.join(dataDir, "secret.key");
  if (fs.existsSync(/*turbopackIgnore: true*/ file)) return parseKey(fs.readFileSync(file, "utf8").trim());
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // "wx": never overwrite a key another process wrote first.
    fs.writeFileSync(file, key.toString("hex"), { mode: 0o600, flag: "wx" });
    return key;
  } catch {
    return parseKey(fs.readFileSync(file, "utf8").trim());
  }
}

/** A 32-byte key from 64 hex characters or base64. */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error("LAKEBOOK_SECRET_KEY must be 32 bytes (64 hex characters or base64).");
  return key;
}

/** A key for one purpose, derived from the master key so purposes never share key material. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `lakebook:${purpose}`, 32));
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
