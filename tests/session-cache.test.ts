import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { DbHandle } from "@/lib/server/db/client";
import { insertUser, updateUser } from "@/lib/server/db/queries/users";
import type { User } from "@/lib/server/db/schema";
import { metadataStores } from "./support/metadata-stores";

/**
 * The cache of checked sessions (lib/server/auth/session-cache.ts) on
 * embedded PGlite and on a real PostgreSQL shared by two servers: a change
 * made anywhere — by this server, by the other one, by a script writing the
 * tables directly — ends a cached session at once, and while a server cannot
 * hear changes it asks the store every time.
 */
process.env.LAKEBOOK_SESSION_HOURS = "12";
const { startSession, endSession, sessionUser: uncached } = await import("@/lib/server/auth/sessions");
const { SessionCache } = await import("@/lib/server/auth/session-cache");

const stores = metadataStores("sessioncache");

/** Polls `check` until it holds: a change made by another server arrives as a notification, a moment later. */
async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("did not happen in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Changes the table without a trigger firing: what a change nobody reported would look like. */
async function unreported(handle: DbHandle, change: string): Promise<void> {
  await handle.db.execute(sql.raw("ALTER TABLE user_sessions DISABLE TRIGGER user_sessions_changed"));
  try {
    await handle.db.execute(sql.raw(change));
  } finally {
    await handle.db.execute(sql.raw("ALTER TABLE user_sessions ENABLE TRIGGER user_sessions_changed"));
  }
}

describe.each([
  ["PGlite", async () => [await stores.pglite()]],
  ["PostgreSQL", () => stores.postgres(2)],
] as const)("checked sessions on %s", (name, open) => {
  let handles: DbHandle[];
  let member: User;
  /** Each server's cache, as its runtime holds it. */
  const caches = new Map<DbHandle["db"], InstanceType<typeof SessionCache>>();
  const sessionUser = (db: DbHandle["db"], sid: string, now = new Date()) => uncached(db, sid, now, caches.get(db));
  const ids = () => handles.map((h) => h.db);

  it("opens the store, and each server caches the sessions it checks", async () => {
    handles = await open();
    for (const handle of handles) caches.set(handle.db, new SessionCache(handle.changes));
    member = await insertUser(handles[0].db, {
      email: "m@example.test",
      name: "M",
      passwordHash: null,
      role: "member",
    });
  });

  it("a checked session is served from the cache (a change nobody reported is not seen)", async () => {
    const sid = await startSession(handles[0].db, member.id);
    for (const db of ids()) expect((await sessionUser(db, sid))?.id).toBe(member.id);
    await unreported(handles[0], `UPDATE user_sessions SET revoked_at = now() WHERE id = '${sid}'`);
    for (const db of ids()) expect((await sessionUser(db, sid))?.id).toBe(member.id);
  });

  it("signing out ends the session at once on this server, and on the other as soon as it hears", async () => {
    const sid = await startSession(handles[0].db, member.id);
    for (const db of ids()) expect(await sessionUser(db, sid)).not.toBeNull();
    await endSession(handles[0].db, sid);
    expect(await sessionUser(handles[0].db, sid)).toBeNull();
    await eventually(async () => (await sessionUser(handles.at(-1)!.db, sid)) === null);
  });

  it("a script revoking sessions in the tables directly is heard by every server", async () => {
    const sid = await startSession(handles[0].db, member.id);
    for (const db of ids()) expect(await sessionUser(db, sid)).not.toBeNull();
    await handles.at(-1)!.db.execute(sql.raw(`UPDATE user_sessions SET revoked_at = now() WHERE id = '${sid}'`));
    for (const db of ids()) await eventually(async () => (await sessionUser(db, sid)) === null);
  });

  it("disabling the member, or changing their role, is seen by every server", async () => {
    const sid = await startSession(handles[0].db, member.id);
    for (const db of ids()) expect((await sessionUser(db, sid))?.role).toBe("member");
    await updateUser(handles.at(-1)!.db, member.id, { role: "admin" });
    for (const db of ids()) await eventually(async () => (await sessionUser(db, sid))?.role === "admin");
    await updateUser(handles[0].db, member.id, { disabled: true });
    expect(await sessionUser(handles[0].db, sid)).toBeNull();
    for (const db of ids()) await eventually(async () => (await sessionUser(db, sid)) === null);
    await updateUser(handles[0].db, member.id, { disabled: false, role: "member" });
  });

  it("a cached session still ends at its own end", async () => {
    const now = new Date();
    const sid = await startSession(handles[0].db, member.id, now);
    expect(await sessionUser(handles[0].db, sid, now)).not.toBeNull();
    expect(await sessionUser(handles[0].db, sid, new Date(now.getTime() + 12 * 3_600_000 + 1000))).toBeNull();
  });

  it.runIf(name === "PostgreSQL")(
    "a server whose listening connection is killed asks the store until it listens again",
    async () => {
      const sid = await startSession(handles[0].db, member.id);
      for (const db of ids()) expect(await sessionUser(db, sid)).not.toBeNull();
      await handles[0].db.execute(
        sql.raw(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lakebook-changes' AND datname = current_database()",
        ),
      );
      await eventually(async () => handles.every((h) => !h.changes.live));
      // Unreported, yet seen: nothing is served from the cache while changes may go unheard.
      await unreported(handles[0], `UPDATE user_sessions SET revoked_at = now() WHERE id = '${sid}'`);
      for (const db of ids()) expect(await sessionUser(db, sid)).toBeNull();
      // Listening again (after a pause), and served from the cache again.
      await eventually(async () => handles.every((h) => h.changes.live), 10_000);
      const next = await startSession(handles[0].db, member.id);
      for (const db of ids()) expect(await sessionUser(db, next)).not.toBeNull();
      await handles.at(-1)!.db.execute(sql.raw(`UPDATE user_sessions SET revoked_at = now() WHERE id = '${next}'`));
      for (const db of ids()) await eventually(async () => (await sessionUser(db, next)) === null);
    },
    20_000,
  );
});
