import type { Page } from "@playwright/test";
import { expect, focusEditor, resultStatus, runSql, test } from "./support/app";
import { E2E_RESULTS_BUDGET_PER_USER } from "./support/constants";
import { signUpMember } from "./support/members";

function cell(page: Page, n: number) {
  return page.getByRole("region", { name: new RegExp(`^Cell ${n} \\((SQL|Markdown)\\)$`) });
}

/** Rows of 1 KB text: a result of about 240 MB by the budget's measure, so two pass a member's 400 MB. */
const BIG = "SELECT i, repeat('x', 1000) AS pad FROM range(240000) t(i)";

test("a notebook cell whose result was removed to free space says so, and runs again", async ({
  app: ada,
  browser,
}) => {
  test.setTimeout(180_000);
  expect(E2E_RESULTS_BUDGET_PER_USER).toBe("400MB");
  const tag = `budget_${Date.now().toString(36)}`;
  const cleo = await signUpMember(ada, browser, `Cleo ${tag}`, `cleo-${tag}@example.com`);

  await cleo.goto("/notebooks");
  await cleo.getByRole("button", { name: "New notebook" }).click();
  await expect(cleo).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  const link = cleo.url();
  // The new notebook's starter cell: its SQL replaced by ours.
  await focusEditor(cell(cleo, 1));
  await cleo.keyboard.press("ControlOrMeta+a");
  await cleo.keyboard.insertText(`${BIG} -- ${tag}`);
  await expect(cleo.locator(".save-status")).toHaveText("All changes saved");
  await cleo.getByRole("button", { name: "▶ Run all" }).click();
  await expect(cell(cleo, 1).locator(".result-bar")).toContainText("240,000 rows", { timeout: 60_000 });

  // The same rows again in the editor: Cleo's share has no room for both, and nothing else of hers is left.
  await cleo.goto("/");
  await runSql(cleo, BIG);
  await expect(resultStatus(cleo)).toHaveText("Succeeded", { timeout: 60_000 });
  await expect(cleo.getByRole("grid", { name: "Query result" })).toContainText("xxxx");

  await cleo.goto(link);
  const removed = cell(cleo, 1).getByRole("note");
  await expect(removed).toHaveText("Result removed to free space — run again to see it.");
  await expect(cell(cleo, 1).getByRole("grid", { name: "Query result" })).toHaveCount(0);
  await expect(cell(cleo, 1).getByRole("alert")).toHaveCount(0);
  await cell(cleo, 1).screenshot({ path: "test-results/notebook-result-removed.png" });

  // Running it again brings the result back (and removes the editor's result in turn).
  await cleo.getByRole("button", { name: "▶ Run all" }).click();
  await expect(cell(cleo, 1).getByRole("grid", { name: "Query result" })).toContainText("xxxx", { timeout: 60_000 });
  await expect(cell(cleo, 1).getByRole("note")).toHaveCount(0);
  await cleo.context().close();
});
