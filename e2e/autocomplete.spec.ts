import type { Page } from "@playwright/test";
import { expect, newTab, resultStatus, runSql, test, typeSql } from "./support/app";

/** Monaco's suggestions widget. */
function suggestions(page: Page) {
  return page.locator(".suggest-widget");
}

/** The suggestion whose name is `label`. */
function suggestion(page: Page, label: string) {
  return suggestions(page).getByRole("option", { name: new RegExp(`^${label}\\b`) });
}

/** The editor's text, as Monaco holds it. */
function editorText(page: Page) {
  return page.evaluate(() => {
    const lines = Array.from(document.querySelectorAll(".monaco-editor .view-line"));
    return lines.map((line) => (line.textContent ?? "").replace(/\u00a0/g, " ")).join("\n");
  });
}

test.describe("completion that knows the catalog", () => {
  test("offers catalogs, schemas and tables after FROM, and accepts one", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "SELECT * FROM sa");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "samples")).toBeVisible();
    await page.keyboard.press("Escape");

    await typeSql(page, "SELECT * FROM samples");
    await page.keyboard.type(".");
    for (const schema of ["demo", "nyctaxi", "tpch"]) await expect(suggestion(page, schema)).toBeVisible();
    await page.keyboard.type("nyctaxi.");
    await expect(suggestion(page, "trips")).toBeVisible();
    await page.waitForTimeout(300); // the widget has finished growing
    await page.screenshot({ path: "test-results/autocomplete-tables.png" });
    await page.keyboard.type("tri");
    await expect(suggestions(page).getByRole("option")).toHaveCount(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => editorText(page)).toBe("SELECT * FROM samples.nyctaxi.trips");
    await page.keyboard.type(" LIMIT 3");
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");
  });

  test("offers the columns of an aliased table with their types, and bare columns of the FROM", async ({
    app: page,
  }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "SELECT count(*) FROM samples.nyctaxi.trips t WHERE t");
    await page.keyboard.type(".");
    const fare = suggestion(page, "fare_amount");
    await expect(fare).toBeVisible();
    await expect(fare).toContainText("DECIMAL(10,2)");
    await page.waitForTimeout(300); // the widget has finished growing
    await page.screenshot({ path: "test-results/autocomplete-columns.png" });
    await page.keyboard.type("fare_am");
    await page.keyboard.press("Enter");
    await page.keyboard.type(" > 50 AND passenger_c");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "passenger_count")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => editorText(page))
      .toBe("SELECT count(*) FROM samples.nyctaxi.trips t WHERE t.fare_amount > 50 AND passenger_count");
    await page.keyboard.type(" > 1");
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");
  });

  test("offers functions with their signature", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "SELECT date_tru");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "date_trunc")).toBeVisible();
    await expect(suggestion(page, "date_trunc")).toContainText("(part VARCHAR");
    await page.waitForTimeout(300); // the widget has finished growing
    await page.screenshot({ path: "test-results/autocomplete-functions.png" });
  });

  test("inserts an odd name quoted, and sees a new table after the schema browser's refresh", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    const table = `Odd Name ${Date.now()}`;
    await runSql(page, `CREATE TABLE workspace.default."${table}" ("Fare Amount" INTEGER)`);
    await expect(resultStatus(page)).toHaveText("Succeeded");

    // The schema browser's refresh is the completion's too (it keeps what it read for a few seconds).
    await page.getByRole("button", { name: "Refresh schema" }).click();
    await typeSql(page, "SELECT * FROM workspace.default");
    await page.keyboard.type(".Odd");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, table)).toBeVisible();
    await page.keyboard.press("Enter");
    await expect.poll(() => editorText(page)).toBe(`SELECT * FROM workspace.default."${table}"`);
    await page.keyboard.type(" t WHERE t.");
    await expect(suggestion(page, "Fare Amount")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => editorText(page))
      .toBe(`SELECT * FROM workspace.default."${table}" t WHERE t."Fare Amount"`);
    await page.keyboard.type(" IS NULL");
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");
  });
});
