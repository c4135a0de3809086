import { createHash } from "node:crypto";
import fs from "node:fs";
import type { Page } from "@playwright/test";
import { csvLine } from "@/lib/csv";
import { downloadsOnTheirWay, startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import { expect, firstCell, gridRows, leaveTabsOnBuiltin, newTab, resultStatus, runSql, test } from "./support/app";
import { E2E_WAREHOUSE_TLS_DIR } from "./support/constants";
import { trueResult } from "./support/truth";

/**
 * Two million rows by CloudFetch, as a real warehouse sends a big result: 20
 * files of 100,000 rows, one link expired on the way. The result pages, sorts
 * and downloads exactly: BIGINT above 2^53, DECIMAL(38,10) and microsecond
 * timestamps, every row of the CSV compared with DuckDB's own text.
 */
const ROWS = 2_000_000;
const NAME = "Two million rows warehouse";
/** One line: the editor indents typed lines, and the warehouse's record is matched by the exact text. */
const SQL = [
  "SELECT i AS id, CAST(i AS BIGINT) * 4611686018427 AS big,",
  "CAST(i AS DECIMAL(38,10)) + 0.0000000001 AS amount,",
  "TIMESTAMP '2024-01-01' + to_microseconds(CAST(i AS BIGINT) * 1000003) AS at",
  `FROM range(${ROWS}) t(i)`,
].join(" ");

let warehouse: TestWarehouse;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({
    tripsRows: 1_000,
    certificateDir: E2E_WAREHOUSE_TLS_DIR,
    cloudFetch: { thresholdRows: 10_000, rowsPerFile: 100_000, linksPerFetch: 3 },
  });
});

test.afterAll(async ({ browser }) => {
  await leaveTabsOnBuiltin(browser);
  await warehouse?.close();
});

/** SHA-256 of the CSV the app should send: DuckDB's text of every value, in the app's CSV lines. */
function csvDigest(columns: string[], rows: (string | null)[][]): string {
  const hash = createHash("sha256").update(csvLine(columns));
  for (const row of rows) hash.update(csvLine(row));
  return hash.digest("hex");
}

async function downloadDigest(page: Page): Promise<{ digest: string; lines: number }> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const hash = createHash("sha256");
  let lines = 0;
  for await (const chunk of fs.createReadStream(await download.path())) {
    hash.update(chunk as Buffer);
    for (const byte of chunk as Buffer) if (byte === 10) lines += 1;
  }
  return { digest: hash.digest("hex"), lines };
}

test("two million rows by CloudFetch, a link expired on the way, page, sort and download exactly", async ({
  app: page,
}) => {
  test.setTimeout(300_000);
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByRole("textbox", { name: "Personal access token" }).fill(warehouse.token);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: new RegExp(NAME) })).toBeVisible();

  // The ninth link is already expired when it arrives: the app asks the warehouse for fresh ones and goes on.
  warehouse.faults.expireLinks(1, 8);
  await page.goto("/");
  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: NAME });
  await runSql(page, SQL);
  await expect(page.locator(".result-bar")).toContainText("2,000,000 rows", { timeout: 180_000 });
  await expect(resultStatus(page)).toHaveText("Succeeded");
  const record = () =>
    warehouse
      .stats()
      .results.filter((r) => r.statement === SQL)
      .at(-1);
  const delivered = record();
  expect(delivered).toMatchObject({ delivery: "cloudfetch" });
  expect(delivered?.refetches).toBeGreaterThan(0);
  // Downloads the expired link overtook are stopped (fresh links replace them): each one begun has ended.
  await expect.poll(() => downloadsOnTheirWay(record())).toBe(0);

  const truth = await trueResult(SQL);
  expect(truth.rows).toHaveLength(ROWS);
  await expect(firstCell(page)).toHaveText("0");
  expect((await gridRows(page))[1]).toEqual(truth.rows[1]);
  await page.getByRole("button", { name: "Last page" }).click();
  await expect(firstCell(page)).toHaveText(truth.rows[ROWS - 100][0] ?? "");
  expect(await gridRows(page)).toEqual(truth.rows.slice(ROWS - 100));
  // The largest values, exactly: 1999999 × 4611686018427 is far above 2^53.
  expect(truth.rows[ROWS - 1]).toEqual([
    "1999999",
    String(1_999_999n * 4_611_686_018_427n),
    "1999999.0000000001",
    "2024-01-24 03:33:24.999997",
  ]);

  const expected = csvDigest(truth.columns, truth.rows);
  const whole = await downloadDigest(page);
  expect(whole.lines).toBe(ROWS + 1);
  expect(whole.digest).toBe(expected);

  // Sorted on the server, descending by id: the last row first, and the download in that order.
  const header = page.getByRole("grid", { name: "Query result" }).locator("button.colhead").first();
  await header.click();
  await header.click();
  await expect(firstCell(page)).toHaveText(String(ROWS - 1));
  const sorted = await downloadDigest(page);
  expect(sorted.lines).toBe(ROWS + 1);
  expect(sorted.digest).toBe(csvDigest(truth.columns, [...truth.rows].reverse()));
  expect(warehouse.stats().openOperations).toBe(0);
});
