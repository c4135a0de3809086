import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { csvLine } from "@/lib/csv";
import {
  drawnRows,
  expect,
  expectPageRows,
  firstCell,
  focusEditor,
  gridRows,
  newTab,
  resultStatus,
  runSql,
  test,
  typeSql,
} from "./support/app";
import { E2E_RESULT_MAX_ROWS } from "./support/constants";
import { trueResult } from "./support/truth";

test.describe("a newcomer on the built-in warehouse", () => {
  test("sees the editor, the sample tables and an empty results area", async ({ app: page }) => {
    await page.goto("/");
    // Earlier tests left runs in the admin's tabs; a new tab is what a newcomer sees.
    await newTab(page);
    await expect(page.getByRole("textbox", { name: "SQL editor" })).toBeAttached();
    await expect(page.locator(".monaco-editor")).toBeVisible();
    await expect(page.getByText("Run a query to see its results here.")).toBeVisible();

    const schema = page.getByRole("complementary", { name: "Schema browser" });
    await schema.getByRole("button", { name: "Expand samples" }).click();
    await schema.getByRole("button", { name: "Expand nyctaxi" }).click();
    await expect(schema.getByRole("button", { name: "trips", exact: true })).toBeVisible();
    await schema.getByRole("button", { name: "Expand trips" }).click();
    await expect(schema.getByText("tpep_pickup_datetime")).toBeVisible();
    await schema.getByRole("button", { name: "Expand tpch" }).click();
    for (const table of ["customer", "lineitem", "nation", "orders", "region"]) {
      await expect(schema.getByRole("button", { name: table, exact: true })).toBeVisible();
    }
  });

  test("finds a table by name without opening its catalog, and inserts its full name", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "SELECT count(*) AS n FROM ");

    const schema = page.getByRole("complementary", { name: "Schema browser" });
    await schema.getByRole("button", { name: "Expand samples" }).click();
    await schema.getByRole("button", { name: "Expand nyctaxi" }).click();
    const search = schema.getByRole("searchbox", { name: "Search tables" });
    await search.fill("LINEIT");
    const matches = schema.getByRole("list", { name: "Matching tables" });
    await expect(matches.getByRole("button", { name: "lineitem", exact: true })).toBeVisible();
    await expect(matches).toContainText("samples.tpch");
    await matches.getByRole("button", { name: "Expand lineitem" }).click();
    await expect(matches.getByText("l_extendedprice")).toBeVisible();
    await matches.getByRole("button", { name: "lineitem", exact: true }).click();

    await focusEditor(page);
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    const truth = await trueResult("SELECT count(*) AS n FROM samples.tpch.lineitem");
    await expect(firstCell(page)).toHaveText(String(truth.rows[0][0]));

    await search.fill("no_such_table_anywhere");
    await expect(schema).toContainText("No table or view has that in its name.");
    // Clearing the search shows the tree as it was left.
    await search.fill("");
    await expect(schema.getByRole("button", { name: "Collapse samples" })).toBeVisible();
    await expect(schema.getByRole("button", { name: "trips", exact: true })).toBeVisible();
  });

  test("runs a query, pages to the last page and downloads exactly the true result", async ({ app: page }) => {
    const sql = "SELECT * FROM samples.nyctaxi.trips WHERE pickup_zip = 10042 AND vendor_id = 2 ORDER BY trip_id";
    const truth = await trueResult(sql);
    expect(truth.rows.length).toBeGreaterThan(1000);

    await page.goto("/");
    await runSql(page, sql);
    await expect(resultStatus(page)).toHaveText("Succeeded");
    const total = truth.rows.length.toLocaleString("en-US");
    await expect(page.locator(".result-bar")).toContainText(`${total} rows`);

    // Column names come with their types.
    const header = page.getByRole("grid", { name: "Query result" }).locator("thead");
    await expect(header.getByRole("button", { name: /trip_id\s*BIGINT/ })).toBeVisible();
    await expect(header.getByRole("button", { name: /fare_amount\s*DECIMAL\(10,2\)/ })).toBeVisible();

    const first = await gridRows(page);
    expect(first).toHaveLength(100);
    expect(first[0][0]).toBe(truth.rows[0][0]);

    await page.getByRole("button", { name: "Last page" }).click();
    const lastPageStart = Math.floor((truth.rows.length - 1) / 100) * 100;
    await expect(page.locator(".pagination .range")).toHaveText(
      `${(lastPageStart + 1).toLocaleString("en-US")}–${total} of ${total}`,
    );
    await expect(firstCell(page)).toHaveText(truth.rows[lastPageStart][0] ?? "");
    const last = await gridRows(page);
    expect(last.map((row) => row[0])).toEqual(truth.rows.slice(lastPageStart).map((row) => row[0]));

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^SELECT_FROM_samples_nyctaxi_trips.*\.csv$/);
    const text = fs.readFileSync(await download.path(), "utf8");
    // Field by field, NULL (empty field) apart from the empty string ("").
    const expected = csvLine(truth.columns) + truth.rows.map((row) => csvLine(row)).join("");
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    const records: string[][] = parse(text);
    expect(records).toHaveLength(truth.rows.length + 1);
  });

  test("downloads every row of a result cut at the server's cap", async ({ app: page }) => {
    const rows = E2E_RESULT_MAX_ROWS + 100_000;
    await page.goto("/");
    await runSql(page, `SELECT i, 'row ' || i AS label FROM range(${rows}) t(i)`);
    await expect(resultStatus(page)).toHaveText("Succeeded");
    const notice = page.getByRole("note");
    await expect(notice).toContainText(`Result truncated at ${E2E_RESULT_MAX_ROWS.toLocaleString("en-US")} rows`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      // A form POST: the route refuses GET for a download that runs the query again.
      notice.getByRole("button", { name: "Download every row as CSV" }).click(),
    ]);
    const text = fs.readFileSync(await download.path(), "utf8");
    const lines = text.split("\r\n");
    expect(lines).toHaveLength(rows + 2); // the header, every row, and the empty string after the last line end
    expect(lines[0]).toBe("i,label");
    expect(lines[E2E_RESULT_MAX_ROWS + 1]).toBe(`${E2E_RESULT_MAX_ROWS},row ${E2E_RESULT_MAX_ROWS}`);
    expect(lines[rows]).toBe(`${rows - 1},row ${rows - 1}`);
  });

  test("sees exact BIGINT, DECIMAL and microsecond TIMESTAMP values, NULL apart from empty", async ({ app: page }) => {
    await page.goto("/");
    await runSql(
      page,
      "SELECT id, big_id, amount, happened_at, text_value FROM samples.demo.tricky_values ORDER BY id",
    );
    await expect(resultStatus(page)).toHaveText("Succeeded");
    // The end of a run can show before its first page (when the page is read after the run's last poll).
    await expectPageRows(page, 10);
    const rows = await gridRows(page);
    expect(rows[0].slice(1, 4)).toEqual([
      "9007199254740993",
      "1234567890123456789012345678.0123456789",
      "2024-02-29 23:59:59.999999",
    ]);
    expect(rows[1][1]).toBe("-9223372036854775808");
    const grid = page.getByRole("grid", { name: "Query result" });
    await expect(drawnRows(page).nth(6).locator("td.null")).toHaveCount(4);
    await expect(drawnRows(page).nth(5).locator("td.empty")).toHaveCount(1);
    // Markup in values is shown as text, never rendered.
    await expect(grid.getByText("<script>alert(1)</script><b>bold</b>")).toBeVisible();

    // A long value is cut in the grid; the full value opens on demand.
    await grid.getByRole("button", { name: "Show full value of text_value" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Full value" });
    await expect(dialog).toContainText("11,000 characters");
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  test("changes page size and jumps to a page", async ({ app: page }) => {
    await page.goto("/");
    await runSql(page, "SELECT range AS n FROM range(12345)");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await page.getByLabel("Rows per page").selectOption("1000");
    await expect(page.locator(".pagination .range")).toHaveText("1–1,000 of 12,345");
    await page.getByLabel("Page number").fill("7");
    await page.getByLabel("Page number").press("Enter");
    await expect(page.locator(".pagination .range")).toHaveText("6,001–7,000 of 12,345");
    await expect(firstCell(page)).toHaveText("6000");
    await page.getByRole("button", { name: "Next page" }).click();
    await expect(firstCell(page)).toHaveText("7000");
    await expectPageRows(page, 1000);
    await page.getByRole("button", { name: "Last page" }).click();
    await expect(firstCell(page)).toHaveText("12000");
    await expectPageRows(page, 345);
  });
});
