import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyring, StartupError, verifyKeyCheck } from "@/lib/server/crypto/keyring";
import { open } from "@/lib/server/crypto/seal";
import { openDb } from "@/lib/server/db/client";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { copyTemplates } from "./support/templates";

/**
 * Several servers on one PostgreSQL, each in a process of its own with its
 * own data directory, started the way `next start` starts them
 * (instrumentation.ts's register, tests/support/keys-child.mts): they agree on
 * the key, refuse a missing or wrong one with a message that says so, start
 * together, and rotate keys.
 */
const POSTGRES = process.env.LAKEBOOK_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `lakebook_keys_${randomBytes(4).toString("hex")}`;
const url = new URL(POSTGRES);
url.pathname = `/${database}`;
const KEY_A = randomBytes(32).toString("hex");
const KEY_B = randomBytes(32).toString("base64");
const ADMIN = { LAKEBOOK_ADMIN_EMAIL: "keys-admin@example.test", LAKEBOOK_ADMIN_PASSWORD: "a long admin password" };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-keys-"));
let warehouse: TestWarehouse;

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = [], db = url.toString()) {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await query(`CREATE DATABASE ${database}`, [], POSTGRES);
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
}, 120_000);

afterAll(async () => {
  await warehouse?.close();
  await query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, [], POSTGRES);
  fs.rmSync(tmp, { recursive: true, force: true });
});

let instances = 0;

/**
 * One server process (a data directory of its own unless `dir` is given); resolves when it ends.
 * A new data directory starts with this test run's sample catalog copied in (tests/support/templates.ts),
 * unless `firstStart` asks for the whole first start.
 */
function server(env: Record<string, string | undefined>, args: string[], dir?: string, firstStart = false) {
  const dataDir = dir ?? path.join(tmp, `instance-${++instances}`);
  if (!dir && !firstStart) copyTemplates(dataDir, 1_000);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url.toString(),
    LAKEBOOK_DATA_DIR: dataDir,
    LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000",
    LAKEBOOK_THREADS: "1",
    // The test warehouse on 127.0.0.1, allowed explicitly as in tests/support/env.ts.
    LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: "localhost",
    LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: "*",
    LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS: "127.0.0.1/32,::1/128",
    ...ADMIN,
  };
  delete childEnv.LAKEBOOK_SECRET_KEY;
  delete childEnv.LAKEBOOK_SECRET_KEY_PREVIOUS;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  return run(["--conditions=react-server", "--import", "tsx", "tests/support/keys-child.mts", ...args], childEnv);
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    child.on("exit", (code) => resolve({ code, out }));
  });
}

function lineAfter(out: string, prefix: string): string {
  const line = out.split("\n").find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no ${prefix.trim()} line in:\n${out}`);
  return line.slice(prefix.length).trim();
}

const sealedOf = async (id: string) =>
  (await query<{ sealed_secret: string }>("SELECT sealed_secret FROM connections WHERE id = $1", [id]))[0]
    .sealed_secret;
const keyCheck = async () =>
  (await query<{ value: string }>("SELECT value FROM server_settings WHERE name = 'secret-key-check'"))[0].value;
const opens = (key: string, sealed: string, context: string) => {
  const buffer = /^[0-9a-f]{64}$/.test(key) ? Buffer.from(key, "hex") : Buffer.from(key, "base64");
  try {
    open(buffer, sealed, context);
    return true;
  } catch {
    return false;
  }
};

describe("keys across servers on one PostgreSQL", () => {
  it("a server with DATABASE_URL and no LAKEBOOK_SECRET_KEY refuses to start, and says why", async () => {
    const { code, out } = await server({}, ["start"]);
    expect(code).toBe(1);
    expect(out).toContain("LAKEBOOK_SECRET_KEY is not set, and DATABASE_URL is.");
    expect(out).not.toContain("READY");
  }, 120_000);

  let first: string;
  let second: string;

  it("two servers starting together on a new database both come up, with one admin between them", async () => {
    const [a, b] = await Promise.all([
      server({ LAKEBOOK_SECRET_KEY: KEY_A }, ["start"], undefined, true),
      server({ LAKEBOOK_SECRET_KEY: KEY_A }, ["start"], undefined, true),
    ]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(a.out).toContain("READY");
    expect(b.out).toContain("READY");
    expect(await query("SELECT email, role FROM users")).toEqual([
      { email: ADMIN.LAKEBOOK_ADMIN_EMAIL, role: "admin" },
    ]);
    const migrations = fs.readdirSync("lib/server/db/migrations").filter((f) => f.endsWith(".sql"));
    expect(await query("SELECT hash FROM drizzle.__drizzle_migrations")).toHaveLength(migrations.length);
  }, 180_000);

  it("a connection saved on one server runs on another", async () => {
    const saved = await server({ LAKEBOOK_SECRET_KEY: KEY_A }, [
      "save",
      String(warehouse.port),
      warehouse.path,
      warehouse.token,
    ]);
    expect(saved.code, saved.out).toBe(0);
    first = lineAfter(saved.out, "SAVED ");
    const ran = await server({ LAKEBOOK_SECRET_KEY: KEY_A }, ["run", first]);
    expect(ran.code, ran.out).toBe(0);
    expect(JSON.parse(lineAfter(ran.out, "RAN "))).toEqual({
      check: { ok: true, detail: "Connected: the warehouse ran SELECT 1." },
      catalogs: expect.arrayContaining(["samples", "main"]),
    });
    const another = await server({ LAKEBOOK_SECRET_KEY: KEY_A }, [
      "save",
      String(warehouse.port),
      warehouse.path,
      warehouse.token,
    ]);
    second = lineAfter(another.out, "SAVED ");
  }, 180_000);

  it("a server with another key refuses to start, and says why", async () => {
    const { code, out } = await server({ LAKEBOOK_SECRET_KEY: KEY_B }, ["start"]);
    expect(code).toBe(1);
    expect(out).toContain("LAKEBOOK_SECRET_KEY is not the key this metadata store's secrets were sealed with.");
    expect(out).toContain("LAKEBOOK_SECRET_KEY_PREVIOUS");
    expect(out).not.toContain("READY");
  }, 120_000);

  it("rotation: the previous key opens what it sealed, secrets are sealed again as they are used and by keys:reseal", async () => {
    const before = { first: await sealedOf(first), second: await sealedOf(second) };
    expect(opens(KEY_A, before.first, `connection:${first}`)).toBe(true);

    // The new key, with the old one as the previous: starts, and uses the first connection.
    const ran = await server({ LAKEBOOK_SECRET_KEY: KEY_B, LAKEBOOK_SECRET_KEY_PREVIOUS: KEY_A }, ["run", first]);
    expect(ran.code, ran.out).toBe(0);
    expect(JSON.parse(lineAfter(ran.out, "RAN ")).check).toMatchObject({ ok: true });
    expect(opens(KEY_B, await keyCheck(), "server-setting:secret-key-check")).toBe(true);
    const used = await sealedOf(first);
    expect(used).not.toBe(before.first);
    expect(opens(KEY_B, used, `connection:${first}`)).toBe(true);
    // The one not used yet is still under the old key.
    expect(await sealedOf(second)).toBe(before.second);

    const reseal = await run(["--conditions=react-server", "--import", "tsx", "scripts/keys-reseal.mts"], {
      ...process.env,
      DATABASE_URL: url.toString(),
      LAKEBOOK_DATA_DIR: path.join(tmp, "reseal"),
      LAKEBOOK_SECRET_KEY: KEY_B,
      LAKEBOOK_SECRET_KEY_PREVIOUS: KEY_A,
    });
    expect(reseal.code, reseal.out).toBe(0);
    expect(reseal.out).toContain("Sealed 1 secret(s) again under the current key; 1 already were.");
    expect(opens(KEY_B, await sealedOf(second), `connection:${second}`)).toBe(true);

    // The old key can go: the new one alone runs both; the old one alone no longer starts.
    for (const id of [first, second]) {
      const after = await server({ LAKEBOOK_SECRET_KEY: KEY_B }, ["run", id]);
      expect(after.code, after.out).toBe(0);
      expect(JSON.parse(lineAfter(after.out, "RAN ")).check).toMatchObject({ ok: true });
    }
    const old = await server({ LAKEBOOK_SECRET_KEY: KEY_A }, ["start"]);
    expect(old.code).toBe(1);
    expect(old.out).toContain("LAKEBOOK_SECRET_KEY is not the key this metadata store's secrets were sealed with.");
  }, 300_000);
});

describe("the key check on one server with PGlite", () => {
  it("a lost key file or another key stops the start with a message naming it; a rotation passes", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "pglite-"));
    const metadata = await openDb({ dir: path.join(dir, "metadata") });
    try {
      const fromFile = loadKeyring(dir, { sharedMetadata: false });
      expect(fromFile.source).toBe("file");
      expect(await verifyKeyCheck(metadata.db, fromFile)).toEqual({ rotated: false });
      // The same file next time: the same key.
      expect(await verifyKeyCheck(metadata.db, loadKeyring(dir, { sharedMetadata: false }))).toEqual({
        rotated: false,
      });
      fs.rmSync(path.join(dir, "secret.key"));
      const lost = verifyKeyCheck(metadata.db, loadKeyring(dir, { sharedMetadata: false }));
      await expect(lost).rejects.toThrow(StartupError);
      await expect(lost).rejects.toThrow(/The key in the data directory \(secret\.key\) is not the key/);
      const other = loadKeyring(dir, { key: KEY_B, sharedMetadata: false });
      await expect(verifyKeyCheck(metadata.db, other)).rejects.toThrow(/^LAKEBOOK_SECRET_KEY is not the key/);
      const rotating = { ...other, previous: fromFile.current };
      expect(await verifyKeyCheck(metadata.db, rotating)).toEqual({ rotated: true });
      expect(await verifyKeyCheck(metadata.db, other)).toEqual({ rotated: false });
      expect(() => loadKeyring(dir, { key: "too-short-to-be-a-key-of-32-bytes", sharedMetadata: false })).toThrow(
        /must be 32 bytes/,
      );
    } finally {
      await metadata.close();
    }
  });
});
