import { expect, resultStatus, runSql, test } from "./support/app";

const BOB = { email: "bob@example.com", name: "Bob Member", password: "bobs long password" };

test.describe("members and access", () => {
  test("signed-out visitors reach nothing but the sign-in page", async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    for (const path of ["/", "/admin/members"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/signin/);
    }
    const csv = await page.request.get(`/api/runs/${"ab".repeat(16)}/csv`);
    expect(csv.status()).toBe(401);
    await context.close();
  });

  test("an admin invites a member, who joins, cannot administer, and is locked out when disabled", async ({
    app: page,
    browser,
  }) => {
    await page.goto("/admin/members");
    await page.getByLabel("Email").fill(BOB.email);
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const link = (await page.getByLabel("Invitation link").textContent()) ?? "";
    expect(link).toMatch(/\/invite\/[\w-]{20,}$/);

    const bobContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const bob = await bobContext.newPage();
    await bob.goto(link);
    await bob.getByLabel("Your name").fill(BOB.name);
    await bob.getByLabel(/Password/).fill(BOB.password);
    await bob.getByRole("button", { name: "Join" }).click();
    await expect(bob).toHaveURL(/\/$/);
    await expect(bob.getByRole("banner")).toContainText(BOB.name);
    await expect(bob.getByRole("link", { name: "Members" })).toHaveCount(0);
    await bob.goto("/admin/members");
    await expect(bob.getByRole("heading", { name: "Page not found" })).toBeVisible();

    // The link works once.
    await bob.goto(link);
    await expect(bob.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();

    await bob.goto("/");
    await runSql(bob, "SELECT 'bob was here' AS s");
    await expect(resultStatus(bob)).toHaveText("Succeeded");

    await page.reload();
    await page.getByRole("button", { name: `Disable ${BOB.email}` }).click();
    await expect(page.getByRole("row", { name: new RegExp(BOB.email) })).toContainText("disabled");

    // Bob's open editor is refused at once, and keeps his text.
    await runSql(bob, "SELECT 'after disable' AS s");
    await expect(bob.locator(".error-banner")).toHaveText("Your session has ended. Sign in again to continue.");
    await bob.reload();
    await expect(bob).toHaveURL(/\/signin/);
    await bobContext.close();
  });

  test("an admin cannot remove the last admin", async ({ app: page }) => {
    await page.goto("/admin/members");
    await page.getByRole("button", { name: "Disable ada@example.com" }).click();
    await expect(page.locator(".error-banner")).toContainText("at least one active admin");
  });
});
