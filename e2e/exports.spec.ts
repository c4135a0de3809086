import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Download, Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { excelUnescape } from "@/lib/exports/xlsx-cells";
import { expect, newTab, resultStatus, runSql, test } from "./support/app";
import { E2E_RESULT_MAX_ROWS } from "./support/constants";
import { trueResult } from "./support/truth";

const TRICKY = "SELECT * FROM samples.demo.tricky_values ORDER BY id";

/** DuckDB of the test's own: the independent reader of every downloaded file but Excel's. */
const reader = (async () =>
  (await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" })).connect())();

/** How DuckDB reads each downloaded format, by the menu item's label. */
const READERS: [string, (file: string) => string][] = [
  ["CSV", (f) => `read_csv('${f}', header = true, all_varchar = true, allow_quoted_nulls = false)`],
  ["TSV", (f) => `read_csv('${f}', delim = '\t', header = true, all_varchar = true, allow_quoted_nulls = false)`],
  ["JSON", (f) => `read_json('${f}', format = 'array')`],
  ["NDJSON", (f) => `read_json('${f}', format = 'newline_delimited')`],
  ["Parquet", (f) => `read_parquet('${f}')`],
];

async function readBack(from: string, columns: string[]): Promise<(string | null)[][]> {
  const list = columns.map((c) => `CAST("${c}" AS VARCHAR)`).join(", ");
  return (await (await reader).runAndReadAll(`SELECT ${list} FROM ${from}`)).getRows() as (string | null)[][];
}

async function saved(download: Download, name: string): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-e2e-export-")), name);
  await download.saveAs(file);
  return file;
}

async function downloadFormat(page: Page, label: string): Promise<Download> {
  if (label !== "CSV") {
    const more = page.locator(".download-menu details");
    if (!(await more.evaluate((d) => (d as HTMLDetailsElement).open))) await more.getByText("More formats").click();
  }
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: `Download ${label}`, exact: true }).click(),
  ]);
  return download;
}

test.describe("downloading a result in every format", () => {
  test("each format reads back value for value, and the panel shows each download's rows and bytes", async ({
    app: page,
  }) => {
    const truth = await trueResult(TRICKY);
    await page.goto("/");
    await newTab(page);
    await runSql(page, TRICKY);
    await expect(resultStatus(page)).toHaveText("Succeeded");

    for (const [label, from] of READERS) {
      const download = await downloadFormat(page, label);
      const extension = label.toLowerCase();
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`^SELECT_FROM_samples_demo_tricky_values_.*\\.${extension}$`),
      );
      const file = await saved(download, `tricky.${extension}`);
      expect(await readBack(from(file), truth.columns), label).toEqual(truth.rows);
      await expect(page.getByRole("status").filter({ hasText: `Downloaded ${label}: 10 of 10 rows` })).toBeVisible();
    }

    await page.screenshot({ path: "test-results/exports.png" });
    const download = await downloadFormat(page, "Excel (.xlsx)");
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await saved(download, "tricky.xlsx"));
    const rows: unknown[][] = [];
    book.getWorksheet(1)?.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(truth.columns);
    truth.rows.forEach((expected, r) => {
      expected.forEach((value, c) => {
        const cell = rows[r + 1][c] ?? null;
        if (typeof cell === "number") expect(cell).toBe(Number(value));
        else expect(cell === null ? null : excelUnescape(String(cell)), `${r},${c}`).toBe(value === "" ? null : value);
      });
    });
    // BIGINT above 2^53 and DECIMAL(38,10) stay exact: as text, not a rounded number.
    expect(rows[1][2]).toBe("9007199254740993");
    expect(rows[1][3]).toBe("1234567890123456789012345678.0123456789");
  });

  test("CSV with a byte-order mark and spreadsheet-safe cells", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await runSql(page, "SELECT '=cmd|'' /C calc''!A0' AS formula, -5 AS n, 'Grüße' AS word");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await page.locator(".download-menu details").getByText("More formats").click();
    await page.getByRole("checkbox", { name: /byte-order mark/ }).check();
    await page.getByRole("checkbox", { name: /spreadsheet-safe/ }).check();
    const download = await downloadFormat(page, "CSV");
    const bytes = fs.readFileSync(await saved(download, "safe.csv"));
    expect(bytes.toString("utf8")).toBe("\uFEFFformula,n,word\r\n'=cmd|' /C calc'!A0,-5,Grüße\r\n");
  });

  test("a download of every row shows its progress and can be cancelled", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await runSql(page, "SELECT i, repeat('x', 40) AS pad FROM range(1000000000) t(i)");
    await expect(resultStatus(page)).toHaveText("Succeeded", { timeout: 60_000 });
    const notice = page.getByRole("note");
    await expect(notice).toContainText(`Result truncated at ${E2E_RESULT_MAX_ROWS.toLocaleString("en-US")} rows`);
    await notice.getByRole("combobox", { name: "Format of every row" }).selectOption("ndjson");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      notice.getByRole("button", { name: "Download every row as NDJSON" }).click(),
    ]);
    const status = page.getByRole("status").filter({ hasText: "every row as NDJSON" });
    await expect(status).toContainText(/Downloading every row as NDJSON… [1-9][\d,]* rows, [\d.]+ [KMG]B/);
    await page.getByRole("button", { name: "Cancel download" }).click();
    await expect(status).toContainText("Download of every row as NDJSON stopped: Download cancelled.");
    expect(await download.failure()).not.toBeNull();
    // The server runs the next query at once: the download's slot is free.
    await runSql(page, "SELECT 42 AS answer");
    await expect(resultStatus(page)).toHaveText("Succeeded");
  });

  test("refuses a format not ours, GET for every row, and a forged or foreign download id", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await runSql(page, "SELECT 1 AS one");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    const href = (await page.getByRole("link", { name: "Download CSV", exact: true }).getAttribute("href")) as string;
    expect((await page.request.get(href.replace("format=csv", "format=xls"))).status()).toBe(422);
    expect((await page.request.get(`${href}&all=1`)).status()).toBe(405);
    expect((await page.request.get(href.replace(/runs\/[0-9a-f]+/, `runs/${"ab".repeat(16)}`))).status()).toBe(404);
    expect((await page.request.get("/api/downloads/forged-id-0123456789abcdef")).status()).toBe(404);
    const cross = await page.request.post(`${href}&all=1`, { headers: { Origin: "https://evil.example" } });
    expect(cross.status()).toBe(403);
    // Cancelling is for the download's own page: another site cannot stop it.
    const cancel = await page.request.delete("/api/downloads/forged-id-0123456789abcdef", {
      headers: { Origin: "https://evil.example" },
    });
    expect(cancel.status()).toBe(403);
    expect((await page.request.delete("/api/downloads/forged-id-0123456789abcdef")).status()).toBe(404);
  });
});
