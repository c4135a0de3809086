import fs from "node:fs";
import type { Browser, Page } from "@playwright/test";
import { SSO_ERRORS } from "@/lib/auth/sso-errors";
import { callAction } from "./support/actions";
import { expect, test } from "./support/app";
import { ADMIN, E2E_OIDC, E2E_SSO_DOMAIN } from "./support/constants";

/**
 * Single sign-on through the real local OpenID Connect issuer
 * (tests/support/oidc-issuer.mjs), whose login form lets a test choose the
 * claims: email, subject, whether the email is verified, name. The server
 * under test lets E2E_SSO_DOMAIN join by itself; everyone else needs an
 * invitation. Every sign-in is a fresh browser, as a new visitor would be.
 */

const SCREENS = "test-results/screens";
fs.mkdirSync(SCREENS, { recursive: true });

interface Claims {
  email: string;
  sub?: string;
  name?: string;
  verified?: boolean;
  /** An `iss` claim the issuer adds to its userinfo answer. */
  forgedIssuer?: string;
}

/** Signs in with single sign-on in a new browser; the page is wherever Lakebook sent it afterwards. */
async function ssoSignIn(browser: Browser, claims: Claims): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: `Sign in with ${E2E_OIDC.name}` }).click();
  await completeAtIssuer(page, claims);
  return page;
}

async function completeAtIssuer(page: Page, claims: Claims): Promise<void> {
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  expect(new URL(page.url()).port).toBe(String(E2E_OIDC.port));
  await page.getByLabel("Work email").fill(claims.email);
  if (claims.sub) await page.getByLabel("Subject").fill(claims.sub);
  if (claims.name) await page.getByLabel("Name").fill(claims.name);
  if (claims.verified === false) await page.getByLabel("Email verified").uncheck();
  if (claims.forgedIssuer) await page.getByLabel("Forged issuer claim").fill(claims.forgedIssuer);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** The sign-in page with a refusal, and nobody signed in. */
async function expectRefused(page: Page, text: string, screenshot?: string): Promise<void> {
  await expect(page).toHaveURL(/\/signin\?error=Sso/);
  await expect(page.locator(".error-banner")).toHaveText(text);
  if (screenshot) await page.screenshot({ path: `${SCREENS}/${screenshot}.png` });
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await page.context().close();
}

async function expectSignedInAs(page: Page, name: string): Promise<void> {
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByRole("banner")).toContainText(name);
}

async function invite(admin: Page, email: string): Promise<string> {
  await admin.goto("/admin/members");
  await admin.getByLabel("Email").fill(email);
  await admin.getByRole("button", { name: "Create invitation link" }).click();
  return (await admin.getByLabel("Invitation link").textContent()) ?? "";
}

async function memberEmails(admin: Page): Promise<string> {
  await admin.goto("/admin/members");
  return (await admin.getByRole("table", { name: "Members" }).textContent()) ?? "";
}

test.describe("single sign-on", () => {
  test("a verified identity of the allowed domain joins as a member, and signs out", async ({ browser }) => {
    const page = await ssoSignIn(browser, { email: `erin@${E2E_SSO_DOMAIN}` });
    await expectSignedInAs(page, "Erin Single-Sign-On");
    await expect(page.getByRole("link", { name: "Members" })).toHaveCount(0);
    await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    await page.context().close();
  });

  test("an issuer claim in userinfo does not change who the identity is", async ({ browser }) => {
    // Were the claim believed, this would be a new, unbound identity with Erin's email, and refused.
    const page = await ssoSignIn(browser, { email: `erin@${E2E_SSO_DOMAIN}`, forgedIssuer: "https://evil.example" });
    await expectSignedInAs(page, "Erin Single-Sign-On");
    await page.context().close();
  });

  test("an identity whose email is not verified is refused, and no account is made", async ({
    app: admin,
    browser,
  }) => {
    const page = await ssoSignIn(browser, { email: `uma@${E2E_SSO_DOMAIN}`, verified: false });
    await expectRefused(page, SSO_ERRORS.SsoEmailUnverified, "signin-unverified");
    expect(await memberEmails(admin)).not.toContain("uma@");
  });

  test("an identity with the email of a password account does not sign in as it, in any letter case", async ({
    browser,
  }) => {
    for (const [i, email] of [ADMIN.email, ADMIN.email.toUpperCase()].entries()) {
      const page = await ssoSignIn(browser, { email, sub: `mallory-${i}`, name: "Mallory" });
      await expectRefused(page, SSO_ERRORS.SsoPasswordAccount, i === 0 ? "signin-password-account" : undefined);
    }
  });

  test("outside the allowed domain, no invitation means no account; subdomains are not the domain", async ({
    browser,
  }) => {
    for (const email of ["gus@example.com", `ivy@eu.${E2E_SSO_DOMAIN}`, `ivy@${E2E_SSO_DOMAIN}.evil.example`]) {
      const page = await ssoSignIn(browser, { email });
      await expectRefused(page, SSO_ERRORS.SsoNotInvited, email.startsWith("gus") ? "signin-not-invited" : undefined);
    }
  });

  test("an invited identity joins with its invitation; a changed email claim finds the same account by subject", async ({
    app: admin,
    browser,
  }) => {
    const link = await invite(admin, "gus@example.com");
    const gus = await ssoSignIn(browser, { email: "gus@example.com", sub: "gus-subject", name: "Gus Invited" });
    await expectSignedInAs(gus, "Gus Invited");
    await gus.context().close();
    // The invitation is used up: its link no longer works.
    await admin.goto(link);
    await expect(admin.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();

    const renamed = await ssoSignIn(browser, { email: "gus.renamed@example.com", sub: "gus-subject" });
    await expectSignedInAs(renamed, "Gus Invited");
    await renamed.goto("/account/single-sign-on");
    await expect(renamed.getByRole("table", { name: "Linked identities" })).toContainText("gus.renamed@example.com");
    await renamed.context().close();
    const members = await memberEmails(admin);
    expect(members).toContain("gus@example.com");
    expect(members).not.toContain("gus.renamed@example.com");

    // Another identity with Gus's email cannot reach his account.
    const other = await ssoSignIn(browser, { email: "gus@example.com", sub: "not-gus" });
    await expectRefused(other, SSO_ERRORS.SsoBoundElsewhere, "signin-bound-elsewhere");
  });

  test("a disabled member is refused", async ({ app: admin, browser }) => {
    await admin.goto("/admin/members");
    await admin.getByRole("button", { name: "Disable gus@example.com" }).click();
    await expect(admin.getByRole("row", { name: /gus@example\.com/ }).first()).toContainText("disabled");
    const gus = await ssoSignIn(browser, { email: "gus@example.com", sub: "gus-subject" });
    await expectRefused(gus, SSO_ERRORS.SsoDisabled, "signin-disabled");
  });

  test("a revoked invitation works neither for single sign-on nor through its link", async ({
    app: admin,
    browser,
  }) => {
    const link = await invite(admin, "hal@example.com");
    const invitations = admin.getByRole("table", { name: "Open invitations" });
    await expect(invitations).toContainText("hal@example.com");
    await admin.screenshot({ path: `${SCREENS}/invitations-admin.png`, fullPage: true });
    await admin.getByRole("button", { name: "Revoke the invitation of hal@example.com" }).click();
    await expect(admin.getByRole("table", { name: "Open invitations" })).toHaveCount(0);

    const hal = await ssoSignIn(browser, { email: "hal@example.com" });
    await expectRefused(hal, SSO_ERRORS.SsoNotInvited);
    await admin.goto(link);
    await expect(admin.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();
    await expect(admin.getByText(/revoked by an admin/)).toBeVisible();
  });

  test("a subject of 1 MiB is refused with a clear message, and the server keeps serving", async ({ browser }) => {
    const page = await ssoSignIn(browser, { email: `big@${E2E_SSO_DOMAIN}`, sub: "s".repeat(1024 * 1024) });
    await expectRefused(page, SSO_ERRORS.SsoIdentityInvalid, "signin-identity-invalid");
    const erin = await ssoSignIn(browser, { email: `erin@${E2E_SSO_DOMAIN}` });
    await expectSignedInAs(erin, "Erin Single-Sign-On");
    await erin.context().close();
  });

  test("the admin links single sign-on once with the password; then only that identity reaches the account", async ({
    app: admin,
    browser,
  }) => {
    await admin.goto("/");
    await admin.getByRole("link", { name: "Single sign-on" }).click();
    await expect(admin.getByRole("heading", { name: "Single sign-on" })).toBeVisible();
    const linkButton = admin.getByRole("button", { name: `Link single sign-on with ${E2E_OIDC.name}` });
    await admin.getByLabel("Your password").fill("not the password");
    await linkButton.click();
    await expect(admin.locator(".error-banner")).toHaveText("That is not your password.");
    await admin.screenshot({ path: `${SCREENS}/account-sso-link.png`, fullPage: true });

    await admin.getByLabel("Your password").fill(ADMIN.password);
    await linkButton.click();
    await completeAtIssuer(admin, { email: ADMIN.email, sub: "ada-at-acme" });
    await expect(admin).toHaveURL(/\/account\/single-sign-on\?linked=1$/);
    await expect(admin.getByRole("status")).toContainText("Single sign-on is linked");
    await expect(admin.getByRole("table", { name: "Linked identities" })).toContainText(ADMIN.email);
    // The link request is used up: the callback removed its cookie.
    expect((await admin.context().cookies()).map((c) => c.name)).not.toContain("lakebook.sso-link");
    await admin.screenshot({ path: `${SCREENS}/account-sso-linked.png`, fullPage: true });

    const ada = await ssoSignIn(browser, { email: "ada.changed@example.com", sub: "ada-at-acme" });
    await expectSignedInAs(ada, ADMIN.name);
    await expect(ada.getByRole("link", { name: "Members" })).toBeVisible();
    await ada.context().close();

    const impostor = await ssoSignIn(browser, { email: ADMIN.email, sub: "impostor" });
    await expectRefused(impostor, SSO_ERRORS.SsoPasswordAccount);
  });

  test("an identity already linked cannot be linked to another account", async ({ app: admin, browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const bob = await context.newPage();
    await admin.goto("/admin/members");
    const link = await invite(admin, "linker@example.com");
    await bob.goto(link);
    await bob.getByLabel("Your name").fill("Lin Ker");
    await bob.getByLabel(/Password/).fill("linkers long password");
    await bob.getByRole("button", { name: "Join" }).click();
    await expect(bob).toHaveURL(/\/$/);
    await bob.goto("/account/single-sign-on");
    await bob.getByLabel("Your password").fill("linkers long password");
    await bob.getByRole("button", { name: `Link single sign-on with ${E2E_OIDC.name}` }).click();
    await completeAtIssuer(bob, { email: "linker@example.com", sub: "ada-at-acme" });
    await expect(bob).toHaveURL(/\/account\/single-sign-on\?error=SsoLinkTaken$/);
    await expect(bob.locator(".error-banner")).toHaveText(SSO_ERRORS.SsoLinkTaken);
    // Still signed in as themselves, with nothing linked.
    await expect(bob.getByRole("banner")).toContainText("Lin Ker");
    await expect(bob.getByRole("table", { name: "Linked identities" })).toHaveCount(0);

    // A hostile member: no revoking, no oversized or forged input; the admin's own revoke of nothing is explained.
    expect(await callAction(bob.request, "revokeInvitationAction", { id: "a".repeat(64) })).toEqual({
      ok: false,
      error: "Only an admin can do this.",
      code: "forbidden",
    });
    expect(await callAction(bob.request, "startSsoLinkAction", { password: "x".repeat(1024 * 1024) })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/too long/),
    });
    expect(await callAction(admin.request, "revokeInvitationAction", { id: "../../etc" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Not an invitation/),
    });
    expect(await callAction(admin.request, "revokeInvitationAction", { id: "a".repeat(64) })).toEqual({
      ok: false,
      error: "This invitation is not open any more: it was used, revoked or has expired.",
      code: "conflict",
    });
    await context.close();
  });
});
