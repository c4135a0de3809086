import type { Page } from "@playwright/test";
import { startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import { expect, focusEditor, newTab, resultStatus, runSql, test, typeSql } from "./support/app";
import { E2E_WAREHOUSE_TLS_DIR } from "./support/constants";

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

test.describe("completion where the tab's session is", () => {
  test("after USE, unqualified names complete in the tab's catalog and schema", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await runSql(page, "USE samples.nyctaxi");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(page.locator(".session-place")).toContainText("samples.nyctaxi");
    await typeSql(page, "SELECT * FROM tri");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "trips")).toBeVisible();
    await page.keyboard.press("Enter");
    await page.keyboard.type(" WHERE trips.");
    await expect(suggestion(page, "fare_amount")).toBeVisible();
    await page.keyboard.press("Escape");
    // Leave the tab where a new one starts, for the tests after these.
    await runSql(page, "USE workspace.default");
    await expect(page.locator(".session-place")).toContainText("workspace.default");
  });
});

test.describe("completion in a notebook", () => {
  test("completes an alias's columns in a cell, on the notebook's connection, before the FROM is reached", async ({
    app: page,
  }) => {
    await page.goto("/notebooks");
    await page.getByRole("button", { name: "New notebook" }).click();
    await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
    await page.getByLabel("Notebook title").fill(`Completion ${Date.now()}`);
    const cell = page.getByRole("region", { name: /^Cell 1 \(SQL\)$/ });
    await focusEditor(cell);
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText("SELECT z. FROM samples.nyctaxi.trips AS z");
    // Back to just after `z.`.
    await page.keyboard.press("Home");
    for (let i = 0; i < "SELECT z.".length; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "tip_amount")).toBeVisible();
    await page.keyboard.type("tip_a");
    await page.keyboard.press("Enter");
    await expect(cell.locator(".view-line")).toHaveText("SELECT z.tip_amount FROM samples.nyctaxi.trips AS z");
  });
});

test.describe("the completion route under attack", () => {
  test("refuses a megabyte, an over-long prefix, a forged connection and another site, promptly", async ({
    app: page,
  }) => {
    await page.goto("/");
    const url = (query: string) => `/api/connections/builtin/completions?${query}`;
    const started = Date.now();
    // Node refuses a request line this long before the app sees it: it answers 431 and closes the
    // connection. The client may still be writing the rest of the megabyte then, and the closed
    // socket reaches it as a reset before it reads the answer; either way the request was refused.
    const huge = await page.request
      .get(url(`kind=relations&prefix=${"%27%22%60".repeat(350_000)}`))
      .then((response) => response.status())
      .catch((error: Error) => error.message);
    expect(String(huge)).toMatch(/^431$|ECONNRESET|EPIPE|socket hang up/);
    const long = await page.request.get(url(`kind=relations&prefix=${"x".repeat(256)}`));
    expect(long.status()).toBe(422);
    expect(await long.json()).toMatchObject({ ok: false, code: "invalid" });
    const deep = await page.request.get(url(`kind=columns&path=${encodeURIComponent('["a","b","c","d"]')}`));
    expect(deep.status()).toBe(422);
    const forged = await page.request.get(`/api/connections/${"f".repeat(32)}/completions?kind=words`);
    expect(forged.status()).toBe(404);
    expect(await forged.json()).toMatchObject({ ok: false, code: "not-found" });
    const crossSite = await page.request.get(url("kind=words"), { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status()).toBe(403);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

test.describe("completion on a Databricks connection", () => {
  let warehouse: TestWarehouse;

  test.beforeAll(async () => {
    warehouse = await startTestWarehouse({
      tripsRows: 1_000,
      certificateDir: E2E_WAREHOUSE_TLS_DIR,
      generatedMetastore: { catalogs: 200, schemas: 20, tables: 25, columns: 40 },
    });
  });

  test.afterAll(async () => {
    await warehouse?.close();
  });

  test("completes the warehouse's catalogs, tables and an alias's columns, quoted with backticks", async ({
    app: page,
  }) => {
    await page.goto("/connections");
    await page.getByRole("button", { name: "Add a Databricks connection" }).click();
    const form = page.getByRole("form", { name: "New connection" });
    await form.getByLabel("Name", { exact: true }).fill("Completion warehouse");
    await form.getByLabel("Server hostname").fill("localhost");
    await form.getByLabel("Port").fill(String(warehouse.port));
    await form.getByLabel("HTTP path").fill(warehouse.path);
    await form.getByRole("textbox", { name: "Personal access token" }).fill(warehouse.token);
    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("row", { name: /Completion warehouse/ })).toBeVisible();

    await page.goto("/");
    await newTab(page);
    const connection = page.getByLabel("Connection");
    await connection.selectOption({ label: "Completion warehouse" });

    await typeSql(page, "SELECT * FROM lake_19");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "lake_199")).toBeVisible();
    await page.keyboard.press("Escape");

    await typeSql(page, "SELECT * FROM samples.nyctaxi");
    await page.keyboard.type(".");
    await expect(suggestion(page, "trips")).toBeVisible();
    await page.keyboard.type("tri");
    await page.keyboard.press("Enter");
    await page.keyboard.type(" t WHERE t.");
    await expect(suggestion(page, "fare_amount")).toContainText("DECIMAL(10,2)");
    await page.waitForTimeout(300); // the widget has finished growing
    await page.screenshot({ path: "test-results/autocomplete-databricks.png" });
    await page.keyboard.type("fare_am");
    await page.keyboard.press("Enter");
    await expect.poll(() => editorText(page)).toBe("SELECT * FROM samples.nyctaxi.trips t WHERE t.fare_amount");
    await page.keyboard.type(" > 50 LIMIT 5");
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");

    // `default` is a reserved word: inserted as Databricks quotes it.
    await typeSql(page, "SELECT * FROM main");
    await page.keyboard.type(".def");
    await page.keyboard.press("Control+Space");
    await expect(suggestion(page, "default")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect.poll(() => editorText(page)).toBe("SELECT * FROM main.`default`");

    // Tabs remember their connection: leave this one on the built-in warehouse for the tests after these.
    const draftSaved = page.waitForResponse(
      (r) => r.request().method() === "POST" && /"revision"/.test(r.request().postData() ?? ""),
    );
    await connection.selectOption({ label: "Built-in warehouse (DuckDB)" });
    await draftSaved;
  });
});
