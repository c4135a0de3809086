import { expect, test } from "./support/app";
import { E2E_OIDC } from "./support/constants";

test("a member signs in with single sign-on through the company's OpenID Connect issuer", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole("button", { name: `Sign in with ${E2E_OIDC.name}` }).click();

  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  expect(new URL(page.url()).port).toBe(String(E2E_OIDC.port));
  await page.getByLabel("Work email").fill("erin@example.com");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByRole("banner")).toContainText("Erin Single-Sign-On");
  await expect(page.getByRole("link", { name: "Members" })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});
