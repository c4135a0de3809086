import { describe, expect, it } from "vitest";
import { MetadataRateLimiter } from "@/lib/server/auth/rate-limit-store";
import { SignInLimits } from "@/lib/server/auth/sign-in-limits";
import { hashingGate } from "@/lib/server/crypto/password";
import type { DbHandle } from "@/lib/server/db/client";
import { pruneRateLimits } from "@/lib/server/db/queries/rate-limits";
import { findUser, insertUser } from "@/lib/server/db/queries/users";
import { rateLimits, type User } from "@/lib/server/db/schema";
import { metadataStores } from "./support/metadata-stores";

/**
 * The parts of sign-in that live in the metadata store, on embedded PGlite
 * and on a real PostgreSQL (127.0.0.1:5432 on these machines): rate-limit
 * counters shared by instances, sessions, password-reset links, and the
 * checks that come before any password hashing.
 */
process.env.LAKEBOOK_SESSION_HOURS = "12";
const { startSession, sessionUser } = await import("@/lib/server/auth/sessions");
const { createPasswordReset, resetPassword, passwordResetTarget, RESET_LINK_HOURS } = await import(
  "@/lib/server/auth/account"
);
const { invite, joinWithInvitation } = await import("@/lib/server/members");
const { verifyPassword } = await import("@/lib/server/crypto/password");

const stores = metadataStores("auth");
const pglite = async (): Promise<DbHandle[]> => [await stores.pglite()];
/** Two handles (two connection pools, as two servers have) on one PostgreSQL database. */
const postgres = (): Promise<DbHandle[]> => stores.postgres(2);

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (res: { msBeforeNext: number; consumedPoints: number }) => res,
  );

describe.each([
  ["PGlite", pglite],
  ["PostgreSQL", postgres],
])("sign-in state on %s", (_name, open) => {
  let handles: DbHandle[];
  let admin: User;
  let member: User;

  it("opens the store", async () => {
    handles = await open();
    const db = handles[0].db;
    admin = await insertUser(db, { email: "admin@example.test", name: "Admin", passwordHash: null, role: "admin" });
    member = await insertUser(db, { email: "mo@example.test", name: "Mo", passwordHash: null, role: "member" });
  });

  it("counts attempts atomically: a parallel burst gets exactly the limit", async () => {
    const limiter = new MetadataRateLimiter(handles[0].db, { keyPrefix: "burst", points: 10, duration: 60 });
    const results = await Promise.all(Array.from({ length: 40 }, () => refusalOf(limiter.consume("k"))));
    expect(results.filter((r) => r === null)).toHaveLength(10);
    const refusals = results.filter((r) => r !== null);
    expect(refusals).toHaveLength(30);
    for (const r of refusals) {
      expect(r.msBeforeNext).toBeGreaterThan(50_000);
      expect(r.msBeforeNext).toBeLessThanOrEqual(60_000);
    }
    expect((await limiter.get("k"))?.consumedPoints).toBe(40);
  });

  it("limits hold across two instances on one store", async () => {
    const [a, b] = handles.length > 1 ? handles : [handles[0], handles[0]];
    const settings = { windowSeconds: 60, perAccount: 10, perAddress: 1000 };
    const [one, two] = [new SignInLimits(a.db, settings), new SignInLimits(b.db, settings)];
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(await (attempt % 2 ? one : two).take("shared@example.test", `10.0.0.${attempt}`)).toBeNull();
    }
    const waitOne = await one.take("shared@example.test", "10.0.0.99");
    const waitTwo = await two.take("SHARED@example.test ", "10.0.0.98");
    expect(waitOne).toBeGreaterThan(50);
    expect(waitTwo).toBeGreaterThan(50);
    // Other accounts are not affected on either instance.
    expect(await two.take("other@example.test", "10.0.0.1")).toBeNull();
  });

  it("a window that ended starts afresh, a reward never goes below zero, and ended counters are pruned", async () => {
    const db = handles[0].db;
    const limiter = new MetadataRateLimiter(db, { keyPrefix: "window", points: 2, duration: 60 });
    await limiter.consume("k", 2);
    expect(await refusalOf(limiter.consume("k"))).not.toBeNull();
    // The window ends (moved into the past here, as time would).
    await db.update(rateLimits).set({ expiresAt: new Date(Date.now() - 1000) });
    expect(await limiter.get("k")).toBeNull();
    const fresh = await limiter.consume("k");
    expect(fresh.consumedPoints).toBe(1);
    await limiter.reward("k", 5);
    expect((await limiter.get("k"))?.consumedPoints).toBe(0);
    // A reward where no window is open opens none: the next failure starts the window.
    await limiter.reward("fresh", 1);
    expect(await limiter.get("fresh")).toBeNull();
    await db.update(rateLimits).set({ expiresAt: new Date(Date.now() - 1000) });
    await pruneRateLimits(db);
    expect(await db.select().from(rateLimits)).toEqual([]);
    expect(await limiter.delete("k")).toBe(false);
  });

  it("keys of any size and character are stored by hash, never as sent", async () => {
    const limits = new SignInLimits(handles[0].db, { windowSeconds: 60, perAccount: 10, perAddress: 10 });
    const hostile = `'; DROP TABLE users; --\u0000\u202e${"é".repeat(1024 * 1024)}`;
    expect(await limits.take(hostile, hostile)).toBeNull();
    const keys = (await handles[0].db.select().from(rateLimits)).map((r) => r.key);
    for (const key of keys) expect(key.length).toBeLessThan(100);
  });

  it("a session lives until its absolute end, its revocation or its member's disabling", async () => {
    const db = handles[0].db;
    const now = new Date();
    const sid = await startSession(db, member.id, now);
    expect((await sessionUser(db, sid, now))?.id).toBe(member.id);
    // Seen from the other instance too.
    expect((await sessionUser(handles.at(-1)!.db, sid, now))?.id).toBe(member.id);
    expect(await sessionUser(db, sid, new Date(now.getTime() + 12 * 3_600_000 - 1000))).not.toBeNull();
    expect(await sessionUser(db, sid, new Date(now.getTime() + 12 * 3_600_000 + 1000))).toBeNull();
    for (const forged of ["", "nope", sid.toUpperCase(), `${sid}x`, "x".repeat(1024 * 1024), 42, null]) {
      expect(await sessionUser(db, forged, now)).toBeNull();
    }
  });

  it("a password-reset link works once, ends every session, and expires", async () => {
    const db = handles[0].db;
    const sid = await startSession(db, member.id);
    const token = await createPasswordReset(db, admin, member.id);
    expect((await passwordResetTarget(db, token))?.id).toBe(member.id);
    expect(await resetPassword(db, token, "a new password for mo")).toBe(member.email);
    expect(await verifyPassword("a new password for mo", (await findUser(db, member.id))!.passwordHash!)).toBe(true);
    expect(await sessionUser(db, sid)).toBeNull();
    await expect(resetPassword(db, token, "another password for mo")).rejects.toThrow(/not valid any more/);
    expect(await verifyPassword("a new password for mo", (await findUser(db, member.id))!.passwordHash!)).toBe(true);

    // Expiry: open just before its end, refused just after.
    const created = new Date();
    const late = await createPasswordReset(db, admin, member.id, created);
    const end = created.getTime() + RESET_LINK_HOURS * 3_600_000;
    expect(await passwordResetTarget(db, late, new Date(end - 1000))).not.toBeNull();
    await expect(resetPassword(db, late, "too late a password", new Date(end + 1000))).rejects.toThrow(
      /not valid any more/,
    );
    // A newer link withdraws the older one.
    const newer = await createPasswordReset(db, admin, member.id);
    expect(await passwordResetTarget(db, late)).toBeNull();
    expect(await passwordResetTarget(db, newer)).not.toBeNull();
    // Forged, huge and hostile tokens.
    for (const forged of ["forged", "x".repeat(1024 * 1024), "'; --", newer.slice(0, -1)]) {
      await expect(resetPassword(db, forged, "a long enough password")).rejects.toThrow(/not valid any more/);
    }
  });

  it("two people using one reset link at once: one wins", async () => {
    const db = handles[0].db;
    const token = await createPasswordReset(db, admin, member.id);
    const results = await Promise.allSettled([
      resetPassword(db, token, "first racer password"),
      resetPassword(handles.at(-1)!.db, token, "second racer password"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });

  it("joining with a forged or used invitation is refused before any hashing", async () => {
    const db = handles[0].db;
    const token = await invite(db, admin, "newcomer@example.test", "member");
    await joinWithInvitation(db, token, "Newcomer", "a long enough password");
    const hashesBefore = hashingGate.load.started;
    const attempts = Array.from({ length: 40 }, (_, i) =>
      joinWithInvitation(db, i % 2 ? token : `forged-${i}`, "Mallory", "a long enough password"),
    );
    const results = await Promise.allSettled(attempts);
    for (const r of results) expect(r.status === "rejected" && String(r.reason.message)).toMatch(/not valid any more/);
    // Nor does a reset link nobody made.
    const resets = await Promise.allSettled(
      Array.from({ length: 40 }, () => resetPassword(db, "forged", "a long enough password")),
    );
    expect(resets.every((r) => r.status === "rejected")).toBe(true);
    expect(hashingGate.load.started).toBe(hashesBefore);
  });
});
