import { expect, firstCell, pasteSql, resultStatus, runSql, test } from "./support/app";

test.describe("when things go wrong, or take long", () => {
  test("a bad statement shows the engine's message and marks the spot in the editor", async ({ app: page }) => {
    await page.goto("/");
    await runSql(page, "SELECT 1 AS ok;\nSELECT trip_id, no_such_column\nFROM samples.nyctaxi.trips");
    await expect(resultStatus(page)).toHaveText("Failed");
    const error = page.locator(".error-panel");
    await expect(error).toContainText('Referenced column "no_such_column" not found');
    await expect(error).toContainText("at line 2, column 17");
    await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(1);

    // The text is still there, and fixing it works.
    await runSql(page, "SELECT 1 AS ok");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(0);
  });

  test("an error that comes after the first rows fails the run, keeping the rows before it", async ({ app: page }) => {
    await page.goto("/");
    await runSql(
      page,
      "SELECT i, repeat('x', 100) AS pad,\n  CASE WHEN i > 300000 THEN ('x' || i)::INT ELSE i END AS v\nFROM range(400000) t(i)",
    );
    await expect(resultStatus(page)).toHaveText("Failed");
    const error = page.locator(".error-panel");
    await expect(error).toContainText("Conversion Error: Could not convert string 'x300001' to INT32");
    await expect(error).toContainText("at line 2, column 39");
    await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(1);
    await expect(page.locator(".result-bar")).toContainText(/[\d,]+ rows before the error/);
    await expect(firstCell(page)).toHaveText("0");
  });

  test("CREATE TABLE and INSERT say what they did", async ({ app: page }) => {
    await page.goto("/");
    await runSql(
      page,
      "CREATE OR REPLACE TABLE e2e_notes (id INTEGER, note VARCHAR);\nINSERT INTO e2e_notes VALUES (1, 'a'), (2, 'b')",
    );
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(page.locator(".message")).toHaveText("2 of 2 statements run. Last: INSERT: 2 rows affected.");
    await runSql(page, "SELECT count(*) AS n FROM workspace.default.e2e_notes");
    await expect(firstCell(page)).toHaveText("2");
  });

  test("Cancel stops a long statement, and the editor runs again right after", async ({ app: page }) => {
    await page.goto("/");
    await runSql(page, "SELECT count(*) FROM range(50000000000) t(i) WHERE i % 7 = 3");
    await expect(page.getByRole("status").filter({ hasText: "Running…" }).first()).toBeVisible();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(resultStatus(page)).toHaveText("Cancelled");
    await expect(page.getByText("Query cancelled.")).toBeVisible();
    await runSql(page, "SELECT 42 AS answer");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(firstCell(page)).toHaveText("42");
  });

  test("an empty editor and a 1 MB statement get clear messages, and the text stays", async ({ app: page }) => {
    await page.goto("/");
    await runSql(page, "  -- nothing here\n");
    await expect(page.locator(".error-banner")).toHaveText("There is no SQL to run: write a statement first.");

    // Just over 1 MiB, in lines of a length an editor handles (as pasted SQL would be).
    const big = `SELECT 1 AS big\n${`-- ${"x".repeat(97)}\n`.repeat(10_500)}`;
    await pasteSql(page, big);
    await page.getByRole("button", { name: "Run" }).click();
    await expect(page.locator(".error-banner")).toContainText("the limit is 1.0 MB");
    // The text stays, on the server too: after a reload it is still there (and still too big).
    await expect(page.getByText("Draft saved")).toBeVisible();
    await page.reload();
    await page.getByRole("button", { name: "Run" }).click();
    await expect(page.locator(".error-banner")).toContainText("the limit is 1.0 MB");

    // The server keeps serving.
    await runSql(page, "SELECT 'still here' AS s");
    await expect(firstCell(page)).toHaveText("still here");
  });

  test("a forged run id is not found", async ({ app: page }) => {
    await page.goto("/");
    const response = await page.request.get(`/api/runs/${"ab".repeat(16)}/csv`);
    expect(response.status()).toBe(404);
    expect(await response.text()).toMatch(/^Not found/);
  });
});
