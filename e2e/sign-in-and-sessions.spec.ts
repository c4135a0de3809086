import http from "node:http";
import type { Browser, Page } from "@playwright/test";
import { callAction } from "./support/actions";
import { expect, test } from "./support/app";
import { ADMIN, E2E_PORT } from "./support/constants";
import { signUpMember } from "./support/members";

const BASE = `http://127.0.0.1:${E2E_PORT}`;
const MEMBER_PASSWORD = "member's long password";

/**
 * Query strings that name another origin in every spelling a browser, a proxy
 * or a second decoding could follow (each as it appears in the link), and one
 * absolute URL of our own origin, which maps to its path.
 */
const ELSEWHERE = [
  "callbackUrl=//evil.example",
  "callbackUrl=/.//evil.example",
  "callbackUrl=/..//evil.example",
  "callbackUrl=/%2F%2Fevil.example",
  "callbackUrl=%2F%2Fevil.example",
  "callbackUrl=/%252F%252Fevil.example",
  "callbackUrl=/%5Cevil.example",
  "callbackUrl=%2F%5C%5Cevil.example",
  "callbackUrl=/%09/evil.example",
  "callbackUrl=https://evil.example",
  "callbackUrl=https%3A%2F%2Fevil.example%2Fsignin",
  "callbackUrl=HTTPS:evil.example",
  `callbackUrl=http://127.0.0.1:${E2E_PORT}@evil.example/`,
  `callbackUrl=http://127.0.0.1:${E2E_PORT + 1}/`,
  "callbackUrl=javascript:alert(document.domain)",
  "callbackUrl=/queries&callbackUrl=//evil.example",
];

/** Where a redirect's Location header leads, resolved as the browser would. */
function target(location: string | undefined): string {
  return new URL(location ?? "", `${BASE}/signin`).href;
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test.describe("sign-in redirects", () => {
  test("a signed-in member opening a sign-in link is sent only to a path of this server", async ({ app: page }) => {
    await page.goto("/");
    for (const query of ELSEWHERE) {
      const response = await page.request.get(`/signin?${query}`, { maxRedirects: 0 });
      expect(response.status(), query).toBe(307);
      expect(target(response.headers().location), query).toBe(`${BASE}/`);
    }
    const own = await page.request.get(`/signin?callbackUrl=${encodeURIComponent(`${BASE}/queries?x=1`)}`, {
      maxRedirects: 0,
    });
    expect(target(own.headers().location)).toBe(`${BASE}/queries?x=1`);
    const path = await page.request.get("/signin?callbackUrl=/history", { maxRedirects: 0 });
    expect(target(path.headers().location)).toBe(`${BASE}/history`);
  });

  test("a signed-out member signing in from such a link lands on this server's start page", async ({ browser }) => {
    const page = await freshPage(browser);
    for (const query of ELSEWHERE) {
      await page.goto(`/signin?${query}`);
      await signIn(page, ADMIN.email, ADMIN.password);
      await expect(page, query).toHaveURL(`${BASE}/`);
      await page.context().clearCookies();
    }
    await page.goto("/signin?callbackUrl=/history");
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect(page).toHaveURL(`${BASE}/history`);
    await page.context().close();
  });

  test("a signed-out visit to a page signs in and comes back to that page, query string and all", async ({
    browser,
  }) => {
    const page = await freshPage(browser);
    await page.goto("/history?status=failed&q=it's%20%22quoted%22");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
    await signIn(page, ADMIN.email, ADMIN.password);
    await expect(page).toHaveURL(/\/history\?/);
    const back = new URL(page.url());
    expect([back.origin, back.searchParams.get("status"), back.searchParams.get("q")]).toEqual([
      BASE,
      "failed",
      `it's "quoted"`,
    ]);
    // A header naming another page, sent by the client, is not what the way back follows.
    await page.context().clearCookies();
    await page.setExtraHTTPHeaders({ "x-lakebook-page": "//evil.example/" });
    await page.goto("/queries");
    await expect(page).toHaveURL(`${BASE}/signin?callbackUrl=%2Fqueries`);
    await page.context().close();
  });

  test("next-auth's own redirects (sign-out, single sign-on) keep to this server too", async ({ browser }) => {
    const page = await freshPage(browser);
    const request = page.context().request;
    for (const query of ELSEWHERE) {
      const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const callbackUrl = new URLSearchParams(query).getAll("callbackUrl").at(-1) ?? "";
      for (const endpoint of ["/api/auth/signout", "/api/auth/signin/oidc"]) {
        const response = await request.post(endpoint, {
          form: { csrfToken: csrf.csrfToken, callbackUrl, json: "true" },
          maxRedirects: 0,
        });
        const { url } = (await response.json()) as { url: string };
        if (endpoint.endsWith("signout")) expect(url, query).toBe(`${BASE}/`);
        // Single sign-on first goes to the issuer; the place to come back to is kept in a cookie.
        const kept = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.callback-url"));
        if (kept) expect(decodeURIComponent(kept.value), `${endpoint} ${query}`).toBe(`${BASE}/`);
        expect(new URL(url).hostname, `${endpoint} ${query}`).toBe("127.0.0.1");
      }
    }
    await page.context().close();
  });
});

test.describe("sessions", () => {
  test("changing the password ends the member's other sessions and keeps this one", async ({ app: admin, browser }) => {
    const email = "pat@example.com";
    const laptop = await signUpMember(admin, browser, "Pat", email);
    const phone = await freshPage(browser);
    await phone.goto("/signin");
    await signIn(phone, email, MEMBER_PASSWORD);
    await expect(phone).toHaveURL(`${BASE}/`);

    await laptop.getByRole("link", { name: /Pat/ }).click();
    await expect(laptop).toHaveURL(`${BASE}/account`);
    const form = laptop.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill("not my password at all");
    await form.getByLabel(/New password/).fill("pat's brand new password");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(laptop.getByRole("main").getByRole("alert")).toHaveText("That is not your current password.");
    await form.getByLabel("Current password").fill(MEMBER_PASSWORD);
    await form.getByLabel(/New password/).fill("pat's brand new password");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(laptop.getByRole("main").getByRole("status")).toHaveText(
      "Your password is changed. 1 other session ended.",
    );
    await laptop.screenshot({ path: "test-results/account-page.png" });

    await laptop.reload();
    await expect(laptop).toHaveURL(`${BASE}/account`);
    await phone.reload();
    await expect(phone).toHaveURL(/\/signin/);
    await signIn(phone, email, MEMBER_PASSWORD);
    await expect(phone.locator(".error-banner")).toHaveText("That email and password do not match an active account.");
    await signIn(phone, email, "pat's brand new password");
    await expect(phone).toHaveURL(`${BASE}/`);
    await laptop.context().close();
    await phone.context().close();
  });

  test("signing out everywhere ends every session of the member", async ({ app: admin, browser }) => {
    const email = "quinn@example.com";
    const laptop = await signUpMember(admin, browser, "Quinn", email);
    const phone = await freshPage(browser);
    await phone.goto("/signin");
    await signIn(phone, email, MEMBER_PASSWORD);
    await expect(phone).toHaveURL(`${BASE}/`);
    // A copy of the phone's cookie, as someone who stole it would hold it.
    const stolen = await freshPage(browser);
    await stolen.context().addCookies(await phone.context().cookies());
    await stolen.goto("/account");
    await expect(stolen).toHaveURL(`${BASE}/account`);

    await laptop.goto("/account");
    await laptop.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(laptop).toHaveURL(/\/signin/);
    for (const page of [phone, stolen]) {
      await page.goto("/account");
      await expect(page).toHaveURL(/\/signin/);
    }
    expect(await callAction(stolen.request, "signOutEverywhereAction", {})).toEqual({
      ok: false,
      error: "Your session has ended. Sign in again to continue.",
      code: "sign-in",
    });
    for (const page of [laptop, phone, stolen]) await page.context().close();
  });

  test("an admin's reset link sets a new password once and ends the member's sessions", async ({
    app: admin,
    browser,
  }) => {
    const email = "rio@example.com";
    const member = await signUpMember(admin, browser, "Rio", email);
    await admin.goto("/admin/members");
    await admin.getByRole("button", { name: `Reset the password of ${email}` }).click();
    const link = (await admin.getByLabel("Password-reset link").textContent()) ?? "";
    expect(link).toMatch(/\/reset\/[\w-]{20,}$/);
    await admin.screenshot({ path: "test-results/members-reset-link.png" });

    const stranger = await freshPage(browser);
    await stranger.goto(link);
    await expect(stranger.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await expect(stranger.getByText(`For ${email}.`)).toBeVisible();
    await stranger.screenshot({ path: "test-results/reset-page.png" });
    await stranger.getByLabel(/Password/).fill("rio's new password here");
    await stranger.getByRole("button", { name: "Save new password" }).click();
    await expect(stranger).toHaveURL(`${BASE}/`);
    await expect(stranger.getByRole("banner")).toContainText("Rio");

    // The member's earlier session ended; the old password no longer works.
    await member.reload();
    await expect(member).toHaveURL(/\/signin/);
    await signIn(member, email, MEMBER_PASSWORD);
    await expect(member.locator(".error-banner")).toHaveText("That email and password do not match an active account.");

    // The link works once.
    await stranger.goto(link);
    await expect(stranger.getByRole("heading", { name: "Reset link not valid" })).toBeVisible();
    expect(
      await callAction(stranger.request, "resetPasswordAction", {
        token: link.split("/").at(-1),
        password: "a third password for rio",
      }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/not valid any more/) });
    // Members cannot make reset links.
    expect(await callAction(member.request, "createPasswordResetAction", { userId: "x" })).toMatchObject({
      ok: false,
    });
    await stranger.context().close();
    await member.context().close();
  });
});

test.describe("sign-in limits", () => {
  test("the eleventh wrong password in the window is refused with the wait; others are unaffected", async ({
    app: admin,
    browser,
  }) => {
    const email = "sam@example.com";
    const sam = await signUpMember(admin, browser, "Sam", email);
    await sam.context().close();
    const page = await freshPage(browser);
    // Ten wrong passwords at once, as a script would send them.
    const attempts = Array.from({ length: 10 }, async (_, i) => {
      const request = (await browser.newContext({ storageState: { cookies: [], origins: [] } })).request;
      const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
      const response = await request.post("/api/auth/callback/credentials", {
        form: { csrfToken: csrf.csrfToken, email, password: `wrong password ${i}`, json: "true" },
      });
      return new URL(((await response.json()) as { url: string }).url).searchParams.get("error");
    });
    expect(await Promise.all(attempts)).toEqual(Array(10).fill("CredentialsSignin"));

    await page.goto("/signin");
    await signIn(page, email, MEMBER_PASSWORD);
    const alert = page.locator(".error-banner");
    await expect(alert).toHaveText(/^Too many sign-in attempts\. Try again in \d+ s\.$/);
    await page.screenshot({ path: "test-results/sign-in-rate-limited.png" });
    const wait = Number((await alert.textContent())?.match(/in (\d+) s/)?.[1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);

    // Another account signs in from the same browser and address.
    const other = await freshPage(browser);
    await other.goto("/signin");
    await signIn(other, ADMIN.email, ADMIN.password);
    await expect(other).toHaveURL(`${BASE}/`);
    await other.context().close();

    // The sign-in page shows the message from a link only as the page's own words.
    await page.goto("/signin?error=RateLimited%3A7");
    await expect(page.locator(".error-banner")).toHaveText("Too many sign-in attempts. Try again in 7 s.");
    await page.goto("/signin?error=Your%20account%20is%20locked.%20Call%20evil.example");
    await expect(page.locator(".error-banner")).toHaveText("Sign-in failed. Try again.");

    // Once the wait is over, the right password works.
    await page.waitForTimeout((wait + 1) * 1000);
    await page.goto("/signin");
    await signIn(page, email, MEMBER_PASSWORD);
    await expect(page).toHaveURL(`${BASE}/`);
    await page.context().close();
  });
});

/**
 * One sign-in attempt sent from a chosen loopback address (127.0.0.x), with
 * headers that claim to be someone else; returns next-auth's error code.
 */
async function attemptFrom(localAddress: string, email: string, claimed: string): Promise<string | null> {
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const request = http.request(
        { host: "127.0.0.1", port: E2E_PORT, method, path, localAddress, headers },
        (response) => {
          let text = "";
          response.on("data", (chunk) => {
            text += chunk;
          });
          response.on("end", () => resolve({ headers: response.headers, body: text }));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  const spoof = { "X-Forwarded-For": claimed, "X-Real-IP": claimed, "X-Lakebook-Client-Address": claimed };
  const csrf = await send("GET", "/api/auth/csrf", spoof);
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const form = new URLSearchParams({
    email,
    password: "guess",
    csrfToken: (JSON.parse(csrf.body) as { csrfToken: string }).csrfToken,
    json: "true",
  });
  const response = await send(
    "POST",
    "/api/auth/callback/credentials",
    { ...spoof, cookie, "Content-Type": "application/x-www-form-urlencoded" },
    form.toString(),
  );
  return new URL((JSON.parse(response.body) as { url: string }).url).searchParams.get("error");
}

test("the limit per client address counts the connection's address, whatever the headers claim", async ({
  browser,
}) => {
  // 50 failures (the default limit) from 127.0.0.2, each claiming another address, at different accounts;
  // two batches of 25, within what the server's hashing queue takes at once.
  for (const batch of [0, 25]) {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        attemptFrom("127.0.0.2", `nobody-${batch + i}@example.com`, `198.51.100.${batch + i}`),
      ),
    );
    expect(results).toEqual(Array(25).fill("CredentialsSignin"));
  }
  expect(await attemptFrom("127.0.0.2", "someone-new@example.com", "203.0.113.99")).toMatch(/^RateLimited:\d+$/);
  // Other addresses are not affected: another loopback address, and the browser's.
  expect(await attemptFrom("127.0.0.3", "someone-new@example.com", "198.51.100.1")).toBe("CredentialsSignin");
  const page = await freshPage(browser);
  await page.goto("/signin");
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(`${BASE}/`);
  await page.context().close();
});
