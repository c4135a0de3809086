import { callAction } from "./support/actions";
import { expect, resultStatus, runSql, test } from "./support/app";
import { signUpMember } from "./support/members";

test("the history lists succeeded, failed and cancelled runs, filters them and reopens one in the editor", async ({
  app: page,
  browser,
}) => {
  // A mark that is only in this test's SQL, so that other tests' runs do not count.
  const tag = `hist_${Date.now().toString(36)}`;
  await page.goto("/");
  await runSql(page, `SELECT 42 AS ${tag}_ok`);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await runSql(page, `SELECT ${tag}_missing FROM range(3)`);
  await expect(resultStatus(page)).toHaveText("Failed");
  await runSql(page, `SELECT count(*) AS ${tag}_long FROM range(50000000000) t(i) WHERE i % 7 = 3`);
  await expect(page.getByRole("status").filter({ hasText: "Running…" }).first()).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(resultStatus(page)).toHaveText("Cancelled");

  await page.getByRole("link", { name: "History" }).click();
  await expect(page.getByRole("heading", { name: "Query history" })).toBeVisible();
  const table = page.getByRole("table", { name: "Query history" });
  const ours = table.getByRole("row").filter({ hasText: tag });
  await expect(ours).toHaveCount(3);
  // Newest first.
  await expect(ours.nth(0)).toContainText("Cancelled");
  await expect(ours.nth(1)).toContainText("Failed");
  await expect(ours.nth(1)).toContainText(`Referenced column "${tag}_missing" not found`);
  await expect(ours.nth(2)).toContainText("Succeeded");
  await expect(ours.nth(2)).toContainText("Built-in warehouse (DuckDB)");
  await expect(ours.nth(2).getByRole("cell").nth(4)).toHaveText("1");
  await expect(ours.nth(0)).toContainText("Ada Admin");
  await page.screenshot({ path: "test-results/history-page.png", fullPage: true });

  // Filtered by status and text: the link keeps the filter.
  await page.getByLabel("SQL contains").fill(tag);
  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(ours).toHaveCount(1);
  await expect(ours).toContainText("Failed");
  await page.reload();
  await expect(ours).toHaveCount(1);
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("SQL contains").fill(`${tag}_ok`);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(ours).toHaveCount(1);
  await expect(ours).toContainText("Succeeded");

  // A long statement shows its start, and all of it on request.
  const wide = `wide_${Date.now().toString(36)}`;
  await page.goto("/");
  await runSql(page, `SELECT 1 AS ${wide}\n-- ${"x".repeat(5_000)}\n-- the end of ${wide}`);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await page.goto(`/history?q=${wide}`);
  const wideRow = table.getByRole("row").filter({ hasText: wide });
  await expect(wideRow.locator("pre")).not.toContainText(`the end of ${wide}`);
  await wideRow.getByRole("button", { name: "Show all" }).click();
  await expect(wideRow.locator("pre")).toContainText(`the end of ${wide}`);
  await page.screenshot({ path: "test-results/history-expanded.png", fullPage: true });
  await page.goto(`/history?q=${tag}_ok`);

  // A member sees none of it, and cannot read it through the action either.
  const member = await signUpMember(page, browser, "Hal History", `hal-${tag}@example.com`);
  await member.goto(`/history?q=${tag}`);
  await expect(member.getByText("No runs match these filters.")).toBeVisible();
  const runId = await ours.getAttribute("data-run-id");
  expect(await callAction(member.request, "historySqlAction", { runId })).toEqual({
    ok: false,
    error: "Not found: it does not exist, or you do not have access to it.",
    code: "not-found",
  });
  await member.context().close();

  // Reopened in a new editor tab.
  await ours.getByRole("button", { name: "Open in editor" }).click();
  await expect(page.getByRole("tab", { name: `History: SELECT 42 AS ${tag}_ok`, selected: true })).toBeVisible();
  await expect(page.locator(".monaco-editor .view-lines")).toContainText(`${tag}_ok`);
  await runSql(page, `SELECT 42 AS ${tag}_ok`);
  await expect(resultStatus(page)).toHaveText("Succeeded");
});
