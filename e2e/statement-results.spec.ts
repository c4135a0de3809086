import { expect, firstCell, runSql, test } from "./support/app";

test.describe("a script of several statements", () => {
  test("shows a result tab per statement, each paging and downloading like any result", async ({ app: page }) => {
    await page.goto("/");
    const table = `script_${Date.now()}`;
    await runSql(
      page,
      `SELECT range AS n FROM range(250);\nCREATE OR REPLACE TABLE ${table} AS SELECT 1 AS a;\nSELECT 'last' AS v`,
    );
    const tabs = page.getByRole("tablist", { name: "Statement results" }).getByRole("tab");
    await expect(tabs).toHaveCount(3);
    await expect(tabs.nth(0)).toContainText("1 · 250 rows");
    await expect(tabs.nth(1)).toContainText("2 · CREATE ·");
    // The last statement's result is shown first.
    await expect(tabs.nth(2)).toHaveAttribute("aria-selected", "true");
    await expect(firstCell(page)).toHaveText("last");

    await tabs.nth(0).click();
    await expect(firstCell(page)).toHaveText("0");
    await expect(page.locator(".pagination .range")).toHaveText("1–100 of 250");
    await page.getByRole("button", { name: "Next page" }).click();
    await expect(firstCell(page)).toHaveText("100");
    // Sorted on the server, like any result: ascending, then descending.
    const header = page.getByRole("grid", { name: "Query result" }).locator("button.colhead").first();
    await header.click();
    await expect(firstCell(page)).toHaveText("0");
    await header.click();
    await expect(firstCell(page)).toHaveText("249");
    const download = page.getByRole("link", { name: "Download CSV" });
    const csv = await page.request.get((await download.getAttribute("href")) as string);
    expect((await csv.text()).trim().split(/\r?\n/)).toHaveLength(251);

    await tabs.nth(1).click();
    await expect(page.locator(".results .message")).toHaveText("CREATE: done.");
    await page.screenshot({ path: "test-results/statement-results.png" });
  });

  test("an error stops the script at its statement, and the rest are marked as not run", async ({ app: page }) => {
    await page.goto("/");
    await runSql(page, "SELECT 'before' AS v;\nSELECT no_such_column;\nSELECT 3");
    const tabs = page.getByRole("tablist", { name: "Statement results" }).getByRole("tab");
    await expect(tabs).toHaveCount(3);
    await expect(tabs.nth(1)).toHaveAttribute("aria-selected", "true");
    await expect(tabs.nth(1)).toContainText("failed");
    await expect(page.getByRole("alert").filter({ hasText: "Query failed" })).toContainText("at line 2");
    await expect(tabs.nth(2)).toContainText("not run");
    await tabs.nth(2).click();
    await expect(page.locator(".results .message")).toHaveText(
      "A statement before this one failed, so it did not run.",
    );
    await tabs.nth(0).click();
    await expect(firstCell(page)).toHaveText("before");
  });
});
