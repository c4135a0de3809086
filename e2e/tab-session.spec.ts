import { expect, newTab, resultStatus, runSql, test } from "./support/app";

test("USE in one editor tab holds for that tab's next runs and is not seen in another tab", async ({ app: page }) => {
  await page.goto("/");
  await newTab(page);
  const place = page.locator(".session-place");
  await expect(place).toHaveText("In workspace.default");
  await runSql(page, "USE samples.nyctaxi");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expect(place).toHaveText("In samples.nyctaxi");
  // The schema browser opens where the tab is, and says so.
  const schema = page.getByRole("complementary", { name: "Schema browser" });
  await expect(schema.getByRole("button", { name: "trips", exact: true })).toBeVisible();
  await expect(schema.locator(".tree-row", { hasText: "nyctaxi" }).first()).toContainText("current");
  await runSql(page, "SELECT count(*) AS trips FROM trips");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await page.screenshot({ path: "test-results/tab-session.png" });

  await newTab(page);
  await expect(place).toHaveText("In workspace.default");
  await runSql(page, "SELECT count(*) AS trips FROM trips");
  await expect(resultStatus(page)).toHaveText("Failed");

  // The first tab still starts where its last run left it, after a reload too.
  await page.reload();
  const tabs = page.getByRole("tablist", { name: "Editor tabs" }).getByRole("tab");
  await tabs.nth(-2).click();
  await expect(place).toHaveText("In samples.nyctaxi");
  await runSql(page, "SELECT count(*) AS trips FROM trips");
  await expect(resultStatus(page)).toHaveText("Succeeded");
});
