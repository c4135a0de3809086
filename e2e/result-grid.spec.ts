import { toMarkdown, toTsv } from "@/lib/results/copy";
import { drawnRows, expect, expectPageRows, newTab, resultStatus, runSql, test } from "./support/app";
import { trueResult } from "./support/truth";

const TRICKY = "SELECT id, label, big_id, amount, text_value FROM samples.demo.tricky_values ORDER BY id";

test("cells are selected like a spreadsheet's and copied as TSV or Markdown, exactly", async ({ app: page }) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");
  await newTab(page);
  await runSql(page, TRICKY);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expectPageRows(page, 10);
  const truth = await trueResult(TRICKY);
  const cell = (r: number, c: number) => page.locator(`td[data-cell="${r}:${c}"]`);
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  // Click, then shift-click: rows 1–4 (newlines and quotes among them) × big_id…text_value.
  await cell(1, 2).click();
  await cell(4, 4).click({ modifiers: ["Shift"] });
  await expect(page.locator("td.selected")).toHaveCount(12);
  await page.keyboard.press("ControlOrMeta+c");
  const block = truth.rows.slice(1, 5).map((row) => row.slice(2, 5));
  await expect.poll(clipboard).toBe(toTsv(block));
  await page.screenshot({ path: "test-results/result-grid-selection.png" });

  // The keyboard moves and extends the selection; a cut cell (11,000 characters) is copied whole.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("ControlOrMeta+c");
  const moved = truth.rows.slice(2, 6).map((row) => row.slice(2, 5));
  await expect.poll(clipboard).toBe(toTsv(moved));
  await cell(7, 4).click();
  await page.keyboard.press("ControlOrMeta+c");
  await expect.poll(clipboard).toBe(String(truth.rows[7][4]));
  expect((await clipboard()).length).toBe(11_000);

  // The buttons copy with the column names; NULLs stay distinct from empty strings in Markdown.
  await cell(5, 0).click();
  await cell(6, 4).click({ modifiers: ["Shift"] });
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  const header = truth.columns;
  await expect.poll(clipboard).toBe(toTsv(truth.rows.slice(5, 7), header));
  await page.getByRole("button", { name: "Copy as Markdown" }).click();
  await expect.poll(clipboard).toBe(toMarkdown(header, truth.rows.slice(5, 7)));
  await expect(page.locator(".result-bar")).toContainText("Copied 10 cells.");
});

test("a 1,000-row page draws only the rows in view and scrolls through all of them; columns resize", async ({
  app: page,
}) => {
  await page.goto("/");
  await newTab(page);
  await runSql(page, "SELECT range AS n, 'row ' || range AS label FROM range(5000)");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await page.getByLabel("Rows per page").selectOption("1000");
  await expectPageRows(page, 1000);
  expect(await drawnRows(page).count()).toBeLessThan(120);
  const scroller = page.locator(".grid-scroll");
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(drawnRows(page).last().locator("td").nth(1)).toHaveText("999");
  expect(await drawnRows(page).count()).toBeLessThan(120);

  // Dragging a header's edge makes its column wider; a double-click gives it back its width.
  const header = page.locator("th", { hasText: "label" });
  const before = (await header.boundingBox())?.width ?? 0;
  const edge = header.locator(".col-resizer");
  const box = await edge.boundingBox();
  if (!box) throw new Error("no resize handle");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await header.boundingBox())?.width ?? 0)).toBeGreaterThan(before + 100);
  await edge.dblclick();
  await expect.poll(async () => Math.round((await header.boundingBox())?.width ?? 0)).toBe(Math.round(before));
});
