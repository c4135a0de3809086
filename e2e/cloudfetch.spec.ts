import fs from "node:fs";
import type { Page } from "@playwright/test";
import { csvLine } from "@/lib/csv";
import { downloadsOnTheirWay, startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import { expect, firstCell, gridRows, leaveTabsOnBuiltin, newTab, resultStatus, runSql, test } from "./support/app";
import { E2E_WAREHOUSE_TLS_DIR, E2E_WAREHOUSE_TRIPS_ROWS } from "./support/constants";
import { trueResult } from "./support/truth";

/**
 * Large Databricks results as CloudFetch links: the warehouse sends links to
 * its storage server (another HTTPS port) and the app's driver downloads the
 * Arrow files. A low threshold and small files keep it quick: 20,000 rows in
 * 8 files.
 */
let warehouse: TestWarehouse;
const NAME = "CloudFetch warehouse";
const SQL = "SELECT * FROM samples.nyctaxi.trips ORDER BY trip_id";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({
    tripsRows: E2E_WAREHOUSE_TRIPS_ROWS,
    certificateDir: E2E_WAREHOUSE_TLS_DIR,
    cloudFetch: { thresholdRows: 1_000, rowsPerFile: 2_500, linksPerFetch: 3 },
  });
});

test.afterAll(async ({ browser }) => {
  await leaveTabsOnBuiltin(browser);
  await warehouse?.close();
});

/** The grid shows NULL for a null. */
const shown = (rows: (string | null)[][]) => rows.map((row) => row.map((value) => value ?? "NULL"));
const lastResult = () =>
  warehouse
    .stats()
    .results.filter((r) => r.statement === SQL)
    .at(-1);

/** Runs SQL on the warehouse in a new tab: a tab shows its last result, which may be this same query's. */
async function runOnWarehouse(page: Page): Promise<void> {
  await page.goto("/");
  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: NAME });
  await runSql(page, SQL);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expect(page.locator(".result-bar")).toContainText("20,000 rows");
}

test("a large result comes by CloudFetch, a link expired on the way, and it pages, sorts and downloads exactly", async ({
  app: page,
}) => {
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByRole("textbox", { name: "Personal access token" }).fill(warehouse.token);
  await expect(form.getByRole("checkbox", { name: "CloudFetch" })).toBeChecked();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: new RegExp(NAME) })).toBeVisible();

  const truth = await trueResult(SQL, E2E_WAREHOUSE_TRIPS_ROWS);
  // The fourth link is already expired when it arrives: the app asks for fresh ones.
  warehouse.faults.expireLinks(1, 3);
  await runOnWarehouse(page);
  expect(lastResult()).toMatchObject({ delivery: "cloudfetch" });
  expect(lastResult()?.refetches).toBeGreaterThan(0);
  // Downloads the expired link overtook are stopped (fresh links replace them): each one begun has ended.
  await expect.poll(() => downloadsOnTheirWay(lastResult())).toBe(0);
  await expect(firstCell(page)).toHaveText(truth.rows[0][0] ?? "");

  await page.getByRole("button", { name: "Next page" }).click();
  await expect(firstCell(page)).toHaveText(truth.rows[100][0] ?? "");
  expect(await gridRows(page)).toEqual(shown(truth.rows.slice(100, 200)));
  await page.getByRole("button", { name: "Last page" }).click();
  await expect(firstCell(page)).toHaveText(truth.rows[19_900][0] ?? "");
  expect(await gridRows(page)).toEqual(shown(truth.rows.slice(19_900)));

  const csv = csvLine(truth.columns) + truth.rows.map((r) => csvLine(r)).join("");
  expect((await downloadCsv(page)) === csv).toBe(true);

  // Sorted on the server: trip_id descending puts the last row first.
  const header = page.getByRole("grid", { name: "Query result" }).locator("button.colhead").first();
  await header.click();
  await header.click();
  await expect(firstCell(page)).toHaveText(truth.rows[19_999][0] ?? "");
  const sorted =
    csvLine(truth.columns) +
    [...truth.rows]
      .reverse()
      .map((r) => csvLine(r))
      .join("");
  expect((await downloadCsv(page)) === sorted).toBe(true);
  expect(warehouse.stats().openOperations).toBe(0);
});

test("with CloudFetch turned off in the connection's settings the same result comes through the warehouse", async ({
  app: page,
}) => {
  await page.goto("/connections");
  await page
    .getByRole("row", { name: new RegExp(NAME) })
    .getByRole("button", { name: `Edit ${NAME}` })
    .click();
  const edit = page.getByRole("form", { name: `Edit ${NAME}` });
  await edit.getByRole("checkbox", { name: "CloudFetch" }).uncheck();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();

  const truth = await trueResult(SQL, E2E_WAREHOUSE_TRIPS_ROWS);
  await runOnWarehouse(page);
  expect(lastResult()).toMatchObject({ delivery: "inline", links: 0 });
  await page.getByRole("button", { name: "Last page" }).click();
  await expect(firstCell(page)).toHaveText(truth.rows[19_900][0] ?? "");

  await page.goto("/connections");
  await page
    .getByRole("row", { name: new RegExp(NAME) })
    .getByRole("button", { name: `Edit ${NAME}` })
    .click();
  await expect(
    page.getByRole("form", { name: `Edit ${NAME}` }).getByRole("checkbox", { name: "CloudFetch" }),
  ).not.toBeChecked();
});

async function downloadCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  return fs.readFileSync(await download.path(), "utf8");
}
