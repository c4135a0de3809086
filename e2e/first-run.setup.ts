import { expect, test as setup } from "./support/app";
import { ADMIN, ADMIN_STATE } from "./support/constants";

setup("the first visitor creates the admin account, signs out and in again", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel(/Password/).fill("too short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  // The browser's own check stops a short password before it is sent.
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel(/Password/).fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();
  await expect(page.getByRole("banner")).toContainText(ADMIN.name);

  // Setup is closed once an admin exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("wrong password here");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match" })).toBeVisible();
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();
  await page.context().storageState({ path: ADMIN_STATE });
});
