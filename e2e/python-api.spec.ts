import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Locator, Page } from "@playwright/test";
import { request as playwrightRequest } from "@playwright/test";
import { displayCell } from "@/lib/results/format";
import { runProcess } from "../tests/support/run-process";
import { expect, gridRows, newTab, resultStatus, test, typeSql } from "./support/app";
import { trueResult } from "./support/truth";

/**
 * The question behind Lakebook — "how do I get this into Python?" — answered
 * as a new member would: save a query with a date parameter, make a token,
 * copy the pandas snippet from "Use from Python", run it with Debian's own
 * Python and pandas, and get what the grid shows, value for value; the same
 * with the requests snippet, and the Parquet endpoint read back with DuckDB.
 */
const PYTHON = "/usr/bin/python3";
const TRICKY = (day: string) => `SELECT t.*, ${day} AS asked_for FROM samples.demo.tricky_values t ORDER BY id`;

/** Debian's Python with Debian's pandas: PATH without the pyenv shims, the snippet on standard input. */
function python(code: string, env: Record<string, string>, cwd: string) {
  return runProcess(PYTHON, ["-"], { env: { PATH: "/usr/bin:/bin", HOME: cwd, ...env }, cwd, input: code });
}

async function copied(page: Page, dialog: Locator): Promise<string> {
  await dialog.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(dialog.getByRole("status")).toHaveText("Copied to the clipboard");
  return page.evaluate(() => navigator.clipboard.readText());
}

/**
 * The grid's text of a value: its display (NULL named, line breaks as ⏎,
 * long text cut with "…" and a "…" button to open it whole), or "empty
 * string" (read to a screen reader) for "".
 */
function gridText(value: string | null): string {
  if (value === "") return "empty string";
  const shown = displayCell(value);
  return shown.truncated ? `${shown.text}…` : shown.text;
}

function matchesGrid(shown: string, value: string | null): boolean {
  return shown === gridText(value);
}

test("the pandas and requests snippets of a saved query run as pasted with Debian's Python and give the grid's values; so does the Parquet endpoint", async ({
  app: page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-e2e-python-"));

  // A token, made as a member makes one.
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill(`pandas ${Date.now()}`);
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent()) as string;
  expect(token).toMatch(/^lkb_/);

  // A saved query with a date parameter, run in the browser for the value the script will ask for.
  await page.goto("/");
  await newTab(page);
  await typeSql(page, TRICKY(":day"));
  const bar = page.getByRole("group", { name: "Parameters" });
  await bar.getByLabel("Type of :day").selectOption("date");
  await bar.getByLabel("Value of :day").fill("2024-02-29");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByLabel("Title", { exact: true }).fill(`Tricky values for Python ${Date.now()}`);
  await page.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
  const queryId = page.url().split("/").pop() as string;
  await bar.getByLabel("Value of :day").fill("2025-07-04");
  await page.getByRole("button", { name: "▶ Run" }).click();
  await expect(resultStatus(page)).toHaveText("Succeeded");
  const grid = await gridRows(page);
  const truth = await trueResult(TRICKY("DATE '2025-07-04'"));
  expect(grid.length).toBe(truth.rows.length);
  // The grid shows the true values (this test's own DuckDB), cut only for display.
  truth.rows.forEach((row, r) => {
    row.forEach((value, c) => {
      expect(grid[r][c], `grid ${r}:${c}`).toBe(gridText(value));
    });
  });

  // "Use from Python" → pandas, copied and run as pasted, then the DataFrame handed back as JSON.
  await page.getByRole("button", { name: "Use from Python" }).click();
  const dialog = page.getByRole("dialog", { name: "Use from Python" });
  const pandas = await copied(page, dialog);
  expect(pandas).toContain("p.day=2025-07-04");
  const dump =
    "\nimport json\nprint('@@' + json.dumps([[None if isinstance(v, float) else v for v in row] for row in df.itertuples(index=False)] + [list(df.columns)]))\n";
  const ran = await python(pandas + dump, { LAKEBOOK_TOKEN: token }, work);
  expect(ran.stderr).toBe("");
  expect(ran.code).toBe(0);
  const frame = JSON.parse(ran.stdout.slice(ran.stdout.lastIndexOf("@@") + 2)) as (string | null)[][];
  const columns = frame.pop();
  expect(columns).toEqual(truth.columns);
  expect(frame.length).toBe(grid.length);
  frame.forEach((row, r) => {
    row.forEach((value, c) => {
      const want = truth.rows[r][c];
      // CSV has one way to say "nothing": pandas reads NULL and "" alike as missing.
      expect(value, `pandas ${r}:${c}`).toBe(want === "" ? null : want);
      expect(matchesGrid(grid[r][c], want === "" ? "" : value)).toBe(true);
    });
  });

  // The requests snippet streams the CSV to a file; DuckDB reads it back exactly (NULL and "" apart).
  await dialog.getByRole("tab", { name: "requests" }).click();
  const requests = await copied(page, dialog);
  const saved = await python(requests, { LAKEBOOK_TOKEN: token }, work);
  expect(saved.stderr).toBe("");
  expect(saved.code).toBe(0);
  const reader = await (await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" })).connect();
  const csvFile = fs.readdirSync(work).find((f) => f.endsWith(".csv")) as string;
  const fromCsv = await reader.runAndReadAll(
    `SELECT * FROM read_csv('${path.join(work, csvFile)}', header = true, all_varchar = true, allow_quoted_nulls = false)`,
  );
  expect(fromCsv.getRows()).toEqual(truth.rows);

  // The Parquet endpoint, read back with DuckDB: typed, and the same values.
  const script = await playwrightRequest.newContext({ baseURL });
  const parquet = await script.get(`/api/v1/queries/${queryId}/results.parquet?p.day=2025-07-04&max_age=600`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(parquet.status()).toBe(200);
  const file = path.join(work, "result.parquet");
  fs.writeFileSync(file, await parquet.body());
  const list = truth.columns.map((c) => `CAST("${c}" AS VARCHAR)`).join(", ");
  const fromParquet = await reader.runAndReadAll(`SELECT ${list} FROM read_parquet('${file}')`);
  expect(fromParquet.getRows()).toEqual(truth.rows);
  await script.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});
