import { randomBytes, scryptSync } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { prepareTempDataDir } from "./support/env";
import { AuthClient } from "./support/next-auth";

/**
 * Sign-in, sessions and their limits through next-auth's real request
 * handler, the app's options and a real metadata store (PGlite) with real
 * scrypt at the production cost. The window is long enough for a busy machine
 * to make every attempt of a test inside it; tests move its end to pass it.
 */
prepareTempDataDir(1_000);
process.env.NEXTAUTH_URL = "http://127.0.0.1:3999";
process.env.LAKEBOOK_SIGNIN_WINDOW_SECONDS = "600";
process.env.LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ACCOUNT = "10";
process.env.LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ADDRESS = "12";
process.env.LAKEBOOK_SESSION_HOURS = "12";

const { runtime } = await import("@/lib/server/runtime");
const { authOptions } = await import("@/lib/server/auth/options");
const { signedInFromCookies } = await import("@/lib/server/auth/sessions");
const { hashPassword } = await import("@/lib/server/crypto/password");
const { insertUser, findUser, updateUser } = await import("@/lib/server/db/queries/users");
const { findSession } = await import("@/lib/server/db/queries/sessions");
const { changeMember } = await import("@/lib/server/members");
const { changePassword, signOutEverywhere } = await import("@/lib/server/auth/account");
const { rateLimits, userSessions } = await import("@/lib/server/db/schema");
const { eq } = await import("drizzle-orm");
const { db } = await runtime();
const options = authOptions(false);
const secret = options.secret!;

const PASSWORD = "a long enough password";
async function member(label: string, password = PASSWORD) {
  return insertUser(db, {
    email: `${label}-${randomBytes(3).toString("hex")}@example.test`,
    name: label,
    passwordHash: await hashPassword(password),
    role: "member",
  });
}

/** Who the client's cookie signs in as now, by the same check every page and action makes. */
async function whoIs(client: AuthClient, now?: Date) {
  const signedIn = await signedInFromCookies(db, Object.fromEntries(client.cookies), {
    secret,
    secureCookie: false,
    now,
  });
  return signedIn?.user.id ?? null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The refusal's window passes, as the message tells people to wait for: its
 * end is moved into the past, as time would move it (the window is 600 s).
 */
async function waitOut(code: string) {
  const seconds = Number(code.split(":")[1]);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(600);
  await db.update(rateLimits).set({ expiresAt: new Date(Date.now() - 1000) });
}

describe("sessions", () => {
  it("a sign-in starts a server-side session; the cookie carries only its id", async () => {
    const ann = await member("ann");
    const client = new AuthClient(options);
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    expect(await whoIs(client)).toBe(ann.id);
    const { decode } = await import("next-auth/jwt");
    const token = await decode({ token: client.sessionCookie!, secret });
    expect(Object.keys(token!).sort()).toEqual(["exp", "iat", "jti", "sid"]);
    const session = await findSession(db, token!.sid as string);
    expect(session?.userId).toBe(ann.id);
    const lifetime = session!.expiresAt.getTime() - session!.createdAt.getTime();
    expect(Math.abs(lifetime - 12 * 3_600_000)).toBeLessThan(60_000);
    // The browser learns nothing but that a session exists.
    expect(Object.keys(await client.refresh())).toEqual(["expires"]);
  });

  it("a cookie refreshed past its lifetime is refused", async () => {
    const ann = await member("ann");
    const client = new AuthClient(options);
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    const { decode } = await import("next-auth/jwt");
    const first = await decode({ token: client.sessionCookie!, secret });
    await sleep(1100);
    await client.refresh();
    const refreshed = await decode({ token: client.sessionCookie!, secret });
    // next-auth moved the cookie's own expiry...
    expect(refreshed!.exp as number).toBeGreaterThan(first!.exp as number);
    const session = (await findSession(db, refreshed!.sid as string))!;
    // ...but not the session's end: just before it the cookie works, just after it does not.
    expect(await whoIs(client, new Date(session.expiresAt.getTime() - 1000))).toBe(ann.id);
    expect(await whoIs(client, new Date(session.expiresAt.getTime() + 1000))).toBeNull();
    // Once the end has passed (moved into the past here), a refresh clears the cookie.
    await db
      .update(userSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(userSessions.id, session.id));
    expect(await whoIs(client)).toBeNull();
    expect(await client.refresh()).toEqual({});
    expect(client.sessionCookie).toBeUndefined();
  });

  it("refuses a forged cookie, a revoked session and a disabled member", async () => {
    const ann = await member("ann");
    const client = new AuthClient(options);
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    const { decode } = await import("next-auth/jwt");
    const sid = (await decode({ token: client.sessionCookie!, secret }))!.sid as string;

    // The right session id, sealed with another secret.
    const forged = new AuthClient(options);
    forged.cookies.set("next-auth.session-token", await encode({ token: { sid }, secret: "not the server's secret" }));
    expect(await whoIs(forged)).toBeNull();
    // A well-sealed cookie naming a session that does not exist, or none at all, or an old-style one.
    for (const token of [{ sid: "made-up" }, {}, { uid: ann.id, role: "admin" }, { sid: "x".repeat(1024 * 1024) }]) {
      const other = new AuthClient(options);
      other.cookies.set("next-auth.session-token", await encode({ token, secret }));
      expect(await whoIs(other)).toBeNull();
    }
    // A cookie that is not a JWT at all, and a megabyte of garbage.
    for (const value of ["garbage", "\u0000".repeat(1024 * 1024)]) {
      const other = new AuthClient(options);
      other.cookies.set("next-auth.session-token", value);
      expect(await whoIs(other)).toBeNull();
    }

    // Validly sealed, but its session was revoked.
    const copy = new AuthClient(options);
    copy.cookies.set("next-auth.session-token", await encode({ token: { sid }, secret }));
    expect(await whoIs(copy)).toBe(ann.id);
    expect(await signOutEverywhere(db, ann)).toBe(1);
    expect(await whoIs(copy)).toBeNull();
    expect(await whoIs(client)).toBeNull();

    // Disabling a member ends their sessions.
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    expect(await whoIs(client)).toBe(ann.id);
    await changeMember(db, ann.id, { disabled: true });
    expect(await whoIs(client)).toBeNull();
    await changeMember(db, ann.id, { disabled: false });
    expect(await whoIs(client)).toBeNull();
  });

  it("with Secure cookies, the session cookie carries the __Secure- prefix and is read under that name only", async () => {
    const ann = await member("ann");
    const client = new AuthClient(authOptions(true));
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    const value = client.cookies.get("__Secure-next-auth.session-token");
    expect(value).toBeDefined();
    expect(client.secureFlags.get("__Secure-next-auth.session-token")).toBe(true);
    const jar = Object.fromEntries(client.cookies);
    expect((await signedInFromCookies(db, jar, { secret, secureCookie: true }))?.user.id).toBe(ann.id);
    expect(await signedInFromCookies(db, jar, { secret, secureCookie: false })).toBeNull();
  });

  it("a cookie decrypted before is refused under another secret and past its own expiry", async () => {
    const ann = await member("ann");
    const client = new AuthClient(options);
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    const { decode } = await import("next-auth/jwt");
    const sid = (await decode({ token: client.sessionCookie!, secret }))!.sid as string;
    const short = new AuthClient(options);
    short.cookies.set("next-auth.session-token", await encode({ token: { sid }, secret, maxAge: 30 }));
    // Read (and kept) once, then read again: the same answer.
    expect(await whoIs(short)).toBe(ann.id);
    expect(await whoIs(short)).toBe(ann.id);
    const jar = Object.fromEntries(short.cookies);
    expect(await signedInFromCookies(db, jar, { secret: "another secret", secureCookie: false })).toBeNull();
    // Past its expiry and jose's 15 s of tolerance: refused although it was read before.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 46_000);
      expect(await whoIs(short)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    expect(await whoIs(short)).toBe(ann.id);
  });

  it("signing out ends the session on the server, so a copied cookie stops working too", async () => {
    const ann = await member("ann");
    const client = new AuthClient(options);
    expect(await client.signIn(ann.email, PASSWORD)).toBeNull();
    const copy = new AuthClient(options);
    copy.cookies.set("next-auth.session-token", client.sessionCookie!);
    expect(await whoIs(copy)).toBe(ann.id);
    await client.signOut();
    expect(client.sessionCookie).toBeUndefined();
    expect(await whoIs(copy)).toBeNull();
  });

  it("changing the password needs the current one and ends the other sessions, not this one", async () => {
    const ben = await member("ben");
    const [laptop, phone] = [new AuthClient(options), new AuthClient(options)];
    expect(await laptop.signIn(ben.email, PASSWORD)).toBeNull();
    expect(await phone.signIn(ben.email, PASSWORD)).toBeNull();
    const { decode } = await import("next-auth/jwt");
    const laptopSid = (await decode({ token: laptop.sessionCookie!, secret }))!.sid as string;

    await expect(
      changePassword(db, ben, laptopSid, { current: "not my password", next: "a brand new password" }),
    ).rejects.toThrow("That is not your current password.");
    expect(await whoIs(phone)).toBe(ben.id);

    const result = await changePassword(db, ben, laptopSid, { current: PASSWORD, next: "a brand new password" });
    expect(result.endedSessions).toBe(1);
    expect(await whoIs(laptop)).toBe(ben.id);
    expect(await whoIs(phone)).toBeNull();
    expect(await new AuthClient(options).signIn(ben.email, PASSWORD)).toBe("CredentialsSignin");
    expect(await new AuthClient(options).signIn(ben.email, "a brand new password")).toBeNull();
  });
});

describe("sign-in limits", () => {
  it("refuses the eleventh wrong password in the window with the wait; the right one works after it", async () => {
    const cat = await member("cat");
    const dan = await member("dan");
    const client = new AuthClient(options, "192.0.2.20");
    // All at once, so that they fall in one window however slow hashing is on a busy machine.
    const attempts = Array.from({ length: 10 }, (_, i) =>
      new AuthClient(options, "192.0.2.20").signIn(cat.email, `wrong password ${i}`),
    );
    expect(await Promise.all(attempts)).toEqual(Array(10).fill("CredentialsSignin"));
    const refused = await client.signIn(cat.email, "wrong password 11");
    expect(refused).toMatch(/^RateLimited:\d+$/);
    // The right password is refused too while the window lasts: the limit must not tell.
    expect(await client.signIn(cat.email, PASSWORD)).toMatch(/^RateLimited:\d+$/);
    // Another account, from the same address, is not affected.
    expect(await client.signIn(dan.email, PASSWORD)).toBeNull();
    // Case and spaces do not make another account.
    expect(await client.signIn(`  ${cat.email.toUpperCase()} `, "wrong")).toMatch(/^RateLimited:\d+$/);

    await waitOut(refused!);
    expect(await client.signIn(cat.email, PASSWORD)).toBeNull();
    expect(await whoIs(client)).toBe(cat.id);
  });

  it("the page shows the wait in words", async () => {
    const { signInErrorMessage } = await import("@/lib/auth/sign-in-errors");
    expect(signInErrorMessage("RateLimited:42")).toBe("Too many sign-in attempts. Try again in 42 s.");
    expect(signInErrorMessage("CredentialsSignin")).toBe("That email and password do not match an active account.");
    // A link cannot make the page say something else.
    for (const code of [
      "RateLimited:-1",
      "RateLimited:1:2",
      "RateLimited:9e99",
      "Hello, click evil.example",
      "toString",
    ])
      expect(signInErrorMessage(code)).toBe("Sign-in failed. Try again.");
  });

  it("limits one client address across accounts, and other addresses not at all", async () => {
    const eve = new AuthClient(options, "198.51.100.7");
    const attempts = Array.from({ length: 12 }, (_, i) =>
      new AuthClient(options, "198.51.100.7").signIn(`nobody-${i}@example.test`, "guess"),
    );
    expect(await Promise.all(attempts)).toEqual(Array(12).fill("CredentialsSignin"));
    const refused = await eve.signIn("nobody-13@example.test", "guess");
    expect(refused).toMatch(/^RateLimited:\d+$/);
    // The same address in another spelling (IPv4-mapped IPv6) is the same client.
    expect(await new AuthClient(options, "::ffff:198.51.100.7").signIn("someone@example.test", "guess")).toMatch(
      /^RateLimited:/,
    );
    const fay = await member("fay");
    expect(await new AuthClient(options, "198.51.100.8").signIn(fay.email, PASSWORD)).toBeNull();
  });

  it("a burst of parallel wrong passwords gets exactly the limit's worth of checks", async () => {
    const gus = await member("gus");
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => new AuthClient(options, `203.0.113.${i}`).signIn(gus.email, `wrong ${i}`)),
    );
    expect(results.filter((r) => r === "CredentialsSignin")).toHaveLength(10);
    expect(results.filter((r) => r?.startsWith("RateLimited:"))).toHaveLength(20);
    expect(await new AuthClient(options, "203.0.113.200").signIn(gus.email, PASSWORD)).toMatch(/^RateLimited:/);
    const hal = await member("hal");
    expect(await new AuthClient(options, "203.0.113.201").signIn(hal.email, PASSWORD)).toBeNull();
  });

  it("a flood beyond the hashing queue is told the server is busy, and the server keeps serving", async () => {
    const { hashingGate } = await import("@/lib/server/crypto/password");
    const flood = Array.from({ length: 45 }, (_, i) =>
      new AuthClient(options, `198.18.0.${i}`).signIn(`flood-${i}@example.test`, "guess"),
    );
    const results = await Promise.all(flood);
    const capacity = hashingGate.concurrency + hashingGate.queueLimit;
    expect(results.filter((r) => r === "Busy").length).toBeGreaterThanOrEqual(45 - capacity);
    expect(results.filter((r) => r === "CredentialsSignin").length).toBeGreaterThan(0);
    expect(results.every((r) => r === "Busy" || r === "CredentialsSignin")).toBe(true);
    const { signInErrorMessage } = await import("@/lib/auth/sign-in-errors");
    expect(signInErrorMessage("Busy")).toBe("The server is busy checking other sign-ins. Try again in a moment.");
    const jo = await member("jo");
    expect(await new AuthClient(options, "198.18.1.1").signIn(jo.email, PASSWORD)).toBeNull();
  });

  it("a megabyte of email or password is refused without hashing and without a server error", async () => {
    const hal = await member("hal");
    const huge = "\u202e\u0000'\"<>".repeat(175_000);
    const client = new AuthClient(options, "192.0.2.99");
    expect(await client.signIn(huge, PASSWORD)).toBe("CredentialsSignin");
    expect(await client.signIn(hal.email, huge)).toBe("CredentialsSignin");
    expect(await client.signIn(`${hal.email}\u0000`, PASSWORD)).toBe("CredentialsSignin");
    // None of it counted against the account.
    expect(await client.signIn(hal.email, PASSWORD)).toBeNull();
  });

  it("re-hashes a password stored at an older cost at the next successful sign-in", async () => {
    const salt = randomBytes(16);
    const old = scryptSync(PASSWORD.normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const ivy = await member("ivy");
    await updateUser(db, ivy.id, {
      passwordHash: ["scrypt", 2 ** 14, 8, 1, salt.toString("base64"), old.toString("base64")].join("$"),
    });
    expect(await new AuthClient(options).signIn(ivy.email, "wrong password")).toBe("CredentialsSignin");
    expect((await findUser(db, ivy.id))?.passwordHash).toMatch(/^scrypt\$16384\$/);
    expect(await new AuthClient(options).signIn(ivy.email, PASSWORD)).toBeNull();
    const upgraded = (await findUser(db, ivy.id))!.passwordHash!;
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await new AuthClient(options).signIn(ivy.email, PASSWORD)).toBeNull();
    expect((await findUser(db, ivy.id))!.passwordHash).toBe(upgraded);
  });
});
