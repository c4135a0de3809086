import { describe, expect, it } from "vitest";
import { parseAllowedDomains } from "@/lib/auth/email-domains";
import { ssoErrorText } from "@/lib/auth/sso-errors";
import { mergeClaims } from "@/lib/server/auth/oidc";
import { decideSsoSignIn, identityFromClaims, type SsoIdentity, type SsoPolicy } from "@/lib/server/auth/sso";
import { linkToken, readLinkToken } from "@/lib/server/auth/sso-link";
import { sha256 } from "@/lib/server/crypto/secret-key";
import type { DbHandle } from "@/lib/server/db/client";
import { findIdentity, identitiesOf } from "@/lib/server/db/queries/identities";
import { openInvitations, revokeInvitation } from "@/lib/server/db/queries/invitations";
import { findUser, findUserByEmail, insertUser, listUsers, updateUser } from "@/lib/server/db/queries/users";
import type { User } from "@/lib/server/db/schema";
import { invite, joinWithInvitation } from "@/lib/server/members";
import { prepareTempDataDir } from "./support/env";
import { metadataStores } from "./support/metadata-stores";

/**
 * The single sign-on decision table (lib/server/auth/sso.ts) on embedded
 * PGlite and on the real PostgreSQL of these machines: binding by issuer and
 * subject, verified email, no takeover of password accounts, invited-only
 * and allowed-domain joining, revoked invitations, and the attacks.
 */

prepareTempDataDir(1_000);

const stores = metadataStores("sso");
const ISSUER = "https://login.acme.test";
const INVITED_ONLY: SsoPolicy = { allowedDomains: [] };
const ACME: SsoPolicy = { allowedDomains: ["acme.test"] };
const MIB = 1024 * 1024;

const pglite = stores.pglite;
const postgres = async (): Promise<DbHandle> => (await stores.postgres())[0];

function identity(subject: string, email: string | null, more: Partial<SsoIdentity> = {}): SsoIdentity {
  return { issuer: ISSUER, subject, email, emailVerified: true, name: `Person ${subject.slice(0, 20)}`, ...more };
}

describe("single sign-on claims", () => {
  it("takes the subject from the ID token and the email with its own verification flag", () => {
    const merged = mergeClaims(
      { iss: ISSUER, sub: "s1", email: "old@acme.test", email_verified: true },
      { email: "new@acme.test", name: "N" },
    );
    // userinfo's email came without email_verified: it is not borrowed from the ID token.
    expect(merged).toMatchObject({ sub: "s1", email: "new@acme.test", email_verified: undefined, name: "N" });
    expect(() => mergeClaims({ sub: "s1" }, { sub: "admin-subject" })).toThrow(/another subject/);
  });

  it("never takes the issuer from a claim, and counts only a boolean true as verified", () => {
    const forged = identityFromClaims(
      { iss: "https://evil.example", sub: "s1", email: "a@acme.test", email_verified: "true" },
      ISSUER,
    );
    expect(forged).toMatchObject({ issuer: ISSUER, subject: "s1", emailVerified: false });
    expect(identityFromClaims({ sub: 7, email: ["x"] }, ISSUER)).toMatchObject({ subject: "", email: null });
  });

  it("reads LAKEBOOK_OIDC_ALLOWED_DOMAINS: lowercased, exact names, nothing else", () => {
    expect(parseAllowedDomains(undefined)).toEqual({ domains: [] });
    expect(parseAllowedDomains(" Acme.TEST, @eu.acme.test,,acme.test ")).toEqual({
      domains: ["acme.test", "eu.acme.test"],
    });
    for (const bad of ["*.acme.test", "acme.test/x", "ac me.test", "аcme.test", "-acme.test", "x".repeat(MIB)]) {
      expect(parseAllowedDomains(bad)).toHaveProperty("problem");
    }
  });

  it("a link request names its member, expires, and cannot be forged", () => {
    const token = linkToken("user-1");
    expect(readLinkToken(token)).toBe("user-1");
    expect(readLinkToken(token, Date.now() + 11 * 60_000)).toBeNull();
    const [id, exp, nonce, mac] = token.split(".");
    expect(readLinkToken([Buffer.from("admin").toString("base64url"), exp, nonce, mac].join("."))).toBeNull();
    expect(readLinkToken([id, String(Number(exp) + 86_400), nonce, mac].join("."))).toBeNull();
    expect(readLinkToken("x".repeat(MIB))).toBeNull();
    expect(readLinkToken(`${id}.${exp}.${nonce}`)).toBeNull();
  });

  it("every refusal has a text for the sign-in page, and foreign codes have none", () => {
    expect(ssoErrorText("SsoEmailUnverified")).toMatch(/not verified/);
    expect(ssoErrorText("toString")).toBeNull();
    expect(ssoErrorText("__proto__")).toBeNull();
  });
});

describe.each([
  ["PGlite", pglite],
  ["PostgreSQL", postgres],
])("single sign-on on %s", (_name, open) => {
  let handle: DbHandle;
  let db: DbHandle["db"];
  let admin: User;

  it("setup: an admin with a password", async () => {
    handle = await open();
    db = handle.db;
    admin = await insertUser(db, { email: "ada@acme.test", name: "Ada", passwordHash: "scrypt$x", role: "admin" });
  });

  it("refuses an identity whose email is not verified, missing, or not plain ASCII", async () => {
    const cases: [SsoIdentity, string][] = [
      [identity("u1", "new@acme.test", { emailVerified: false }), "SsoEmailUnverified"],
      [identity("u1", null), "SsoNoEmail"],
      [identity("u1", "ａda@acme.test"), "SsoEmailUnsupported"],
      [identity("u1", "\u212Aate@acme.test"), "SsoEmailUnsupported"],
      [identity("u1", "ada@acme.test\u0000"), "SsoEmailUnsupported"],
      [identity("u1", "no-at-sign"), "SsoEmailUnsupported"],
      [identity("u1", `${"a".repeat(MIB)}@acme.test`), "SsoEmailUnsupported"],
      [identity("", "new@acme.test"), "SsoIdentityInvalid"],
      [identity("s".repeat(MIB), "new@acme.test"), "SsoIdentityInvalid"],
      [identity("sub\u0000", "new@acme.test"), "SsoIdentityInvalid"],
    ];
    for (const [who, code] of cases) {
      expect(await decideSsoSignIn(db, who, ACME)).toEqual({ ok: false, code });
    }
    // Even the domain that may join created nobody.
    expect((await listUsers(db)).map((u) => u.email)).toEqual(["ada@acme.test"]);
  });

  it("never signs in as a password account by its email, in any letter case; the admin included", async () => {
    for (const email of ["ada@acme.test", "ADA@ACME.TEST", " Ada@Acme.Test "]) {
      expect(await decideSsoSignIn(db, identity("mallory", email), ACME)).toEqual({
        ok: false,
        code: "SsoPasswordAccount",
      });
    }
    expect(await findIdentity(db, ISSUER, "mallory")).toBeNull();
    expect(await identitiesOf(db, admin.id)).toEqual([]);
  });

  it("a lookalike address is not the same account", async () => {
    // Cyrillic "а" in the local part: plain ASCII is required, so it is refused rather than compared.
    expect(await decideSsoSignIn(db, identity("m2", "\u0430da@acme.test"), ACME)).toEqual({
      ok: false,
      code: "SsoEmailUnsupported",
    });
  });

  it("links a password account once, then signs in by subject whatever the email claim", async () => {
    const linked = await decideSsoSignIn(db, identity("ada-sub", "ada@acme.test"), ACME, { linkUserId: admin.id });
    expect(linked).toMatchObject({ ok: true, outcome: "linked", user: { id: admin.id } });
    const again = await decideSsoSignIn(db, identity("ada-sub", "ada.lovelace@elsewhere.test"), INVITED_ONLY);
    expect(again).toMatchObject({ ok: true, outcome: "bound", user: { id: admin.id } });
    // The claim last seen is kept for admins, never used to match.
    expect((await findIdentity(db, ISSUER, "ada-sub"))?.email).toBe("ada.lovelace@elsewhere.test");
    // The same subject from another issuer is another identity.
    const otherIssuer = await decideSsoSignIn(
      db,
      identity("ada-sub", "ada@acme.test", { issuer: "https://evil.example" }),
      ACME,
    );
    expect(otherIssuer).toEqual({ ok: false, code: "SsoPasswordAccount" });
  });

  it("an identity bound to one member cannot be linked to another", async () => {
    const bob = await insertUser(db, { email: "bob@acme.test", name: "Bob", passwordHash: "scrypt$x", role: "member" });
    expect(await decideSsoSignIn(db, identity("ada-sub", "ada@acme.test"), ACME, { linkUserId: bob.id })).toEqual({
      ok: false,
      code: "SsoLinkTaken",
    });
    expect(
      await decideSsoSignIn(db, identity("ada-sub", "ada@acme.test"), ACME, { linkUserId: "no-such-user" }),
    ).toEqual({
      ok: false,
      code: "SsoLinkTaken",
    });
    expect(await decideSsoSignIn(db, identity("fresh", "x@acme.test"), ACME, { linkUserId: "no-such-user" })).toEqual({
      ok: false,
      code: "SsoLinkExpired",
    });
  });

  it("invited only: no invitation, no account; an invitation's role is used and it is used up", async () => {
    expect(await decideSsoSignIn(db, identity("cy", "cy@acme.test"), INVITED_ONLY)).toEqual({
      ok: false,
      code: "SsoNotInvited",
    });
    await invite(db, admin, "Cy@Acme.test", "admin");
    const joined = await decideSsoSignIn(db, identity("cy", "CY@acme.test"), INVITED_ONLY);
    expect(joined).toMatchObject({
      ok: true,
      outcome: "joined-by-invitation",
      user: { email: "Cy@Acme.test", role: "admin" },
    });
    expect(joined.ok && joined.user.passwordHash).toBeNull();
    expect((await openInvitations(db)).map((i) => i.email)).not.toContain("Cy@Acme.test");
    // Another identity with the same verified email: the account is bound to cy's subject already.
    expect(await decideSsoSignIn(db, identity("cy-2", "cy@acme.test"), ACME)).toEqual({
      ok: false,
      code: "SsoBoundElsewhere",
    });
  });

  it("allowed domains: exact domain after lowercasing, no subdomains, no lookalike suffixes", async () => {
    const joined = await decideSsoSignIn(db, identity("dee", "Dee@ACME.test"), ACME);
    expect(joined).toMatchObject({
      ok: true,
      outcome: "joined-by-domain",
      user: { email: "dee@acme.test", role: "member" },
    });
    for (const email of [
      "eve@eu.acme.test",
      "eve@acme.test.evil.example",
      "eve@notacme.test",
      "eve@acme.test@evil.example",
    ]) {
      expect(await decideSsoSignIn(db, identity(`eve-${email}`, email), ACME)).toEqual({
        ok: false,
        code: "SsoNotInvited",
      });
    }
    // With no domains listed, the same address needs an invitation.
    expect(await decideSsoSignIn(db, identity("fay", "fay@acme.test"), INVITED_ONLY)).toEqual({
      ok: false,
      code: "SsoNotInvited",
    });
  });

  it("a revoked or expired invitation no longer works, for single sign-on nor for the password link", async () => {
    const token = await invite(db, admin, "gil@other.test", "member");
    expect(await revokeInvitation(db, sha256(token))).toBe(true);
    expect(await revokeInvitation(db, sha256(token))).toBe(false);
    expect(await decideSsoSignIn(db, identity("gil", "gil@other.test"), ACME)).toEqual({
      ok: false,
      code: "SsoNotInvited",
    });
    await expect(joinWithInvitation(db, token, "Gil", "a long enough password")).rejects.toThrow(/not valid any more/);
    expect(await findUserByEmail(db, "gil@other.test")).toBeNull();
  });

  it("an invitation used twice at once makes one member; the same identity twice at once signs in both times", async () => {
    await invite(db, admin, "hal@other.test", "member");
    const rivals = await Promise.all([
      decideSsoSignIn(db, identity("hal-a", "hal@other.test"), INVITED_ONLY),
      decideSsoSignIn(db, identity("hal-b", "hal@other.test"), INVITED_ONLY),
      decideSsoSignIn(db, identity("hal-c", "hal@other.test"), INVITED_ONLY),
    ]);
    const winners = rivals.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(rivals.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(SsoBoundElsewhere|SsoNotInvited|SsoRetry)$/)]),
    );
    const hal = (await findUserByEmail(db, "hal@other.test"))!;
    expect(await identitiesOf(db, hal.id)).toHaveLength(1);

    await invite(db, admin, "ida@other.test", "member");
    const twice = await Promise.all(
      [0, 1, 2].map(() => decideSsoSignIn(db, identity("ida", "ida@other.test"), INVITED_ONLY)),
    );
    const ida = (await findUserByEmail(db, "ida@other.test"))!;
    for (const result of twice) {
      if (result.ok) expect(result.user.id).toBe(ida.id);
      else expect(result.code).toBe("SsoRetry");
    }
    expect(twice.some((r) => r.ok)).toBe(true);
    expect(await identitiesOf(db, ida.id)).toHaveLength(1);
  });

  it("an account from before bindings (no password, no binding) is bound by verified email, once", async () => {
    const old = await insertUser(db, { email: "jo@old.test", name: "Jo", passwordHash: null, role: "member" });
    const results = await Promise.all([
      decideSsoSignIn(db, identity("jo-1", "jo@old.test"), INVITED_ONLY),
      decideSsoSignIn(db, identity("jo-2", "JO@old.test"), INVITED_ONLY),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, code: "SsoBoundElsewhere" });
    const [binding] = await identitiesOf(db, old.id);
    // The same identity signing in several times at once, on an account from before bindings: all sign in.
    const older = await insertUser(db, { email: "mo@old.test", name: "Mo", passwordHash: null, role: "member" });
    const same = await Promise.all(
      [0, 1, 2, 3, 4].map(() => decideSsoSignIn(db, identity("mo", "mo@old.test"), INVITED_ONLY)),
    );
    for (const result of same) {
      if (result.ok) expect(result.user.id).toBe(older.id);
      else expect(result.code).toBe("SsoRetry");
    }
    expect(await identitiesOf(db, older.id)).toHaveLength(1);
    const result = await decideSsoSignIn(db, identity(binding.subject, "jo.new@old.test"), INVITED_ONLY);
    expect(result).toMatchObject({ ok: true, outcome: "bound", user: { id: old.id } });
  });

  it("disabled members are refused, by subject and by email", async () => {
    const dee = (await findUserByEmail(db, "dee@acme.test"))!;
    await updateUser(db, dee.id, { disabled: true });
    expect(await decideSsoSignIn(db, identity("dee", "dee@acme.test"), ACME)).toEqual({
      ok: false,
      code: "SsoDisabled",
    });
    const kim = await insertUser(db, { email: "kim@old.test", name: "Kim", passwordHash: null, role: "member" });
    await updateUser(db, kim.id, { disabled: true });
    expect(await decideSsoSignIn(db, identity("kim", "kim@old.test"), ACME)).toEqual({
      ok: false,
      code: "SsoDisabled",
    });
    expect(await decideSsoSignIn(db, identity("kim-link", "kim@old.test"), ACME, { linkUserId: kim.id })).toEqual({
      ok: false,
      code: "SsoDisabled",
    });
    expect(await identitiesOf(db, kim.id)).toEqual([]);
  });

  it("a hostile display name is cleaned and cut; the account keeps working", async () => {
    await invite(db, admin, "lee@other.test", "member");
    const name = `\u0000\u0007${"😈".repeat(MIB / 4)}`;
    const joined = await decideSsoSignIn(db, identity("lee", "lee@other.test", { name }), INVITED_ONLY);
    expect(joined.ok).toBe(true);
    const lee = joined.ok ? await findUser(db, joined.user.id) : null;
    expect(lee?.name).toBe("😈".repeat(200));
  });
});
