import fs from "node:fs";
import { csvLine } from "@/lib/csv";
import { expect, gridRows, newTab, resultStatus, runSql, test } from "./support/app";
import { E2E_TRIPS_ROWS } from "./support/constants";
import { trueResult } from "./support/truth";

test("filters a result of millions of rows by a timestamp range and a text value, with its count", async ({
  app: page,
}) => {
  await page.goto("/");
  await newTab(page);
  const columns = "trip_id, tpep_pickup_datetime, payment_type, fare_amount";
  await runSql(page, `SELECT ${columns} FROM samples.nyctaxi.trips`);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  const all = `${E2E_TRIPS_ROWS.toLocaleString("en-US")} rows`;

  // A text value…
  await page.getByRole("button", { name: "Filter payment_type" }).click();
  const text = page.getByRole("dialog", { name: "Filter payment_type" });
  await text.getByLabel("Condition").selectOption("equals");
  await text.getByLabel("Value").fill("Cash");
  await text.getByRole("button", { name: "Apply" }).click();
  // …and a range of microsecond timestamps.
  await page.getByRole("button", { name: "Filter tpep_pickup_datetime" }).click();
  const range = page.getByRole("dialog", { name: "Filter tpep_pickup_datetime" });
  await expect(range.getByLabel("Condition")).toHaveValue("range");
  await range.getByLabel("From").fill("2024-03-01 00:00:00");
  await range.getByLabel("To").fill("2024-03-31 23:59:59.999999");
  await range.getByRole("button", { name: "Apply" }).click();

  const truth = await trueResult(
    `SELECT ${columns} FROM samples.nyctaxi.trips WHERE payment_type = 'Cash' AND tpep_pickup_datetime BETWEEN TIMESTAMP '2024-03-01 00:00:00' AND TIMESTAMP '2024-03-31 23:59:59.999999'`,
  );
  expect(truth.rows.length).toBeGreaterThan(100);
  const count = page.getByTestId("filtered-count");
  await expect(count).toHaveText(`${truth.rows.length.toLocaleString("en-US")} of ${all}`);
  await expect.poll(() => gridRows(page)).toEqual(truth.rows.slice(0, 100));
  await expect(page.getByRole("list", { name: "Filters" }).getByRole("listitem")).toHaveCount(3);
  await page.screenshot({ path: "test-results/result-filters.png" });

  // "Download CSV" now downloads the filtered view, exactly.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const csv = fs.readFileSync((await download.path()) ?? "", "utf8");
  expect(csv === csvLine(truth.columns) + truth.rows.map((r) => csvLine(r)).join("")).toBe(true);

  // The next page comes from the filtered view too.
  await page.getByRole("button", { name: "Next page" }).click();
  await expect.poll(() => gridRows(page)).toEqual(truth.rows.slice(100, 200));

  // One search over every column narrows it further; a value is matched literally.
  const search = page.getByLabel("Search all columns");
  await search.fill("%_'\\");
  await expect(page.getByText("No row matches the filters.")).toBeVisible();
  await expect(count).toHaveText(`0 of ${all}`);
  await search.fill("");
  await expect(count).toHaveText(`${truth.rows.length.toLocaleString("en-US")} of ${all}`);

  // A bound that is not a timestamp is refused with the reason; the filters in force stay.
  await page.getByRole("button", { name: "Filter tpep_pickup_datetime" }).click();
  await range.getByLabel("From").fill("2024-02-30");
  await range.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator(".results .error-banner, .results [role=alert]").first()).toContainText(
    "is not a value of type TIMESTAMP",
  );

  // Removing the filters shows every row again.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.locator(".result-bar")).toContainText(all);
  await expect(count).toHaveCount(0);
});

test("profiles a column of the whole result, as DuckDB's SUMMARIZE sees it", async ({ app: page }) => {
  await page.goto("/");
  await newTab(page);
  await runSql(page, "SELECT trip_id, fare_amount, payment_type FROM samples.nyctaxi.trips");
  await expect(resultStatus(page)).toHaveText("Succeeded");

  await page.getByRole("button", { name: "Filter fare_amount" }).click();
  const popover = page.getByRole("dialog", { name: "Filter fare_amount" });
  await popover.getByRole("tab", { name: "Profile" }).click();
  const profile = popover.getByTestId("column-profile");
  const [summary] = (
    await trueResult(
      "SELECT min, max, count, approx_unique FROM (SUMMARIZE SELECT fare_amount FROM samples.nyctaxi.trips)",
    )
  ).rows;
  await expect(profile).toContainText(`Min${summary[0]}`);
  await expect(profile).toContainText(`Max${summary[1]}`);
  await expect(profile).toContainText(`Rows${Number(summary[2]).toLocaleString("en-US")}`);
  await expect(profile.getByRole("list", { name: "Histogram" }).getByRole("listitem")).not.toHaveCount(0);
  await page.screenshot({ path: "test-results/column-profile.png" });
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Filter payment_type" }).click();
  const text = page.getByRole("dialog", { name: "Filter payment_type" });
  await text.getByRole("tab", { name: "Profile" }).click();
  const top = await trueResult(
    "SELECT payment_type, count(*) AS n FROM samples.nyctaxi.trips GROUP BY 1 ORDER BY n DESC, payment_type LIMIT 1",
  );
  const common = text.getByRole("list", { name: "Most common values" }).getByRole("listitem").first();
  await expect(common).toContainText(String(top.rows[0][0]));
  await expect(common).toContainText(Number(top.rows[0][1]).toLocaleString("en-US"));
});
