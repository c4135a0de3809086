import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import { type DbHandle, openDb } from "@/lib/server/db/client";
import { copyMetadataTemplate } from "./templates";

/** The machine's PostgreSQL (127.0.0.1:5432 here); a test database is created on it and dropped after. */
export const TEST_POSTGRES = process.env.LAKEBOOK_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * Fresh metadata stores for one test file, each migrated as a server would,
 * and all closed (the PostgreSQL databases dropped) when the file is done:
 * `pglite()` in a temporary directory, `postgres(n)` a new database on the
 * machine's PostgreSQL with `n` handles on it (each its own pool, as `n`
 * servers sharing it have).
 */
export function metadataStores(label: string) {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return {
    async pglite(): Promise<DbHandle> {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lakebook-${label}-`));
      copyMetadataTemplate(dir);
      const handle = await openDb({ dir });
      cleanups.push(() => handle.close());
      return handle;
    },
    async postgres(count = 1): Promise<DbHandle[]> {
      const database = `lakebook_${label}_${randomBytes(4).toString("hex")}`;
      await onServer(`CREATE DATABASE ${database}`);
      const url = new URL(TEST_POSTGRES);
      url.pathname = `/${database}`;
      const handles: DbHandle[] = [];
      for (let i = 0; i < count; i++) handles.push(await openDb({ url: url.toString(), dir: "unused" }));
      cleanups.push(async () => {
        for (const handle of handles) await handle.close();
        await onServer(`DROP DATABASE IF EXISTS ${database}`);
      });
      return handles;
    },
  };
}
