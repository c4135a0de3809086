import { randomUUID } from "node:crypto";
import { expect, test } from "./support/app";
import { ADMIN } from "./support/constants";

test("a missing page says so inside the app's navigation, which still works", async ({ app: page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "SQL editor" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Members" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText(ADMIN.name);
  await page.screenshot({ path: "test-results/not-found.png" });
  await nav.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(/\/history$/);

  // An object that does not exist (or is not the member's) looks the same.
  await page.goto(`/queries/${randomUUID()}`);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  // Once: under the workspace's own bar, not a second one.
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(1);
  await expect(page.getByRole("banner")).toHaveCount(1);
});

test("signed out, a missing page offers to sign in and shows no workspace", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(0);
  await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});
