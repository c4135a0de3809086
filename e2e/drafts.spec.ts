import type { Page } from "@playwright/test";
import { editorTabs, expect, focusEditor, test, typeSql } from "./support/app";
import { signUpMember } from "./support/members";

async function editorText(page: Page): Promise<string> {
  return ((await page.locator(".monaco-editor .view-lines").textContent()) ?? "").replaceAll("\u00a0", " ");
}

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("member's long password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
}

test.describe("editor tabs and drafts", () => {
  test("fast typing loses no characters while the draft is saved", async ({ app: admin, browser }) => {
    const suffix = Date.now().toString(36);
    const page = await signUpMember(admin, browser, `Quick ${suffix}`, `quick-${suffix}@example.com`);
    await page.goto("/");
    await focusEditor(page);
    // Key by key with no pause: renders and draft saves happen while keys keep
    // coming (a late echo of the text used to replace the newer text).
    const sql = "SELECT * FROM samples.nyctaxi.trips WHERE trip_id > 10 AND fare_amount < 20 ORDER BY trip_id";
    for (let round = 0; round < 3; round++) {
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.press("Delete");
      await page.keyboard.type(sql);
      await page.keyboard.press("Escape");
      await expect(page.getByText("Draft saved")).toBeVisible();
      await expect.poll(() => editorText(page)).toBe(sql);
    }
    await page.context().close();
  });

  test("typed text survives a reload, signing out and in, and an unreachable server", async ({
    app: admin,
    browser,
  }) => {
    test.setTimeout(90_000);
    const suffix = Date.now().toString(36);
    const email = `dora-${suffix}@example.com`;
    const page = await signUpMember(admin, browser, `Dora ${suffix}`, email);

    // Two tabs with text of their own.
    await page.goto("/");
    await typeSql(page, "SELECT 'first tab' AS t");
    await page.getByRole("button", { name: "New tab" }).click();
    await expect(editorTabs(page)).toHaveCount(2);
    await typeSql(page, "SELECT 'second tab' AS t");
    await expect(page.getByText("Draft saved")).toBeVisible();

    // A reload brings both back, with the second one still active.
    await page.reload();
    await expect(editorTabs(page)).toHaveCount(2);
    await expect(page.getByRole("tablist", { name: "Editor tabs" }).getByRole("tab", { selected: true })).toHaveText(
      "Untitled",
    );
    await expect.poll(() => editorText(page)).toBe("SELECT 'second tab' AS t");
    await editorTabs(page).first().click();
    await expect.poll(() => editorText(page)).toBe("SELECT 'first tab' AS t");

    // Signing out and in (a new browser, even) brings the tabs back from the server.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const elsewhere = await other.newPage();
    await signIn(elsewhere, email);
    await expect(editorTabs(elsewhere)).toHaveCount(2);
    await editorTabs(elsewhere).nth(1).click();
    await expect.poll(() => editorText(elsewhere)).toBe("SELECT 'second tab' AS t");

    // With the server out of reach, typing goes on, the page says the draft is not saved,
    // and nothing is lost: the next visit sends what this browser kept.
    await elsewhere.route("**/*", (route) =>
      route.request().method() === "POST" ? route.abort("connectionrefused") : route.continue(),
    );
    await typeSql(elsewhere, "SELECT 'typed while offline' AS t");
    await expect(elsewhere.locator(".draft-status .error-text")).toBeVisible({ timeout: 10_000 });
    // An action that cannot reach the server says so, in words, where its answer would be.
    await elsewhere.getByRole("button", { name: "Refresh schema" }).click();
    await expect(
      elsewhere
        .getByLabel("Schema browser")
        .getByText("The server could not be reached. Check your connection and try again."),
    ).toBeVisible();
    await elsewhere.unrouteAll({ behavior: "ignoreErrors" });
    await elsewhere.reload();
    await expect.poll(() => editorText(elsewhere)).toBe("SELECT 'typed while offline' AS t");
    await expect(elsewhere.getByText("Draft saved")).toBeVisible();

    // …and the server has it now: a third browser sees it.
    const third = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const later = await third.newPage();
    await signIn(later, email);
    await editorTabs(later).nth(1).click();
    await expect.poll(() => editorText(later)).toBe("SELECT 'typed while offline' AS t");
    await Promise.all([other.close(), third.close(), page.context().close()]);
  });
});
