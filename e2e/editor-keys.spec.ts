import type { Page } from "@playwright/test";
import { expect, focusEditor, gridRows, newTab, resultStatus, test, typeSql } from "./support/app";

/** The editor's text as shown (Monaco renders spaces as no-break spaces, one element a line). */
async function editorText(page: Page): Promise<string> {
  const lines = await page.locator(".monaco-editor .view-lines .view-line").evaluateAll((els) =>
    els
      .map((el) => ({ top: Number.parseFloat((el as HTMLElement).style.top), text: el.textContent ?? "" }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text.replaceAll("\u00a0", " ")),
  );
  return lines.join("\n");
}

/** Puts the cursor at the start of a 1-based line. */
async function cursorToLine(page: Page, line: number): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press("ControlOrMeta+Home");
  for (let i = 1; i < line; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Home");
}

test.describe("the editor's keys", () => {
  test("Ctrl+Shift+F and the Format button lay a query out, and one Ctrl+Z brings it back", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    const oneLine =
      "select trip_id, fare_amount from samples.nyctaxi.trips where fare_amount > 10 order by 2 desc limit 5";
    await typeSql(page, oneLine);
    await expect.poll(() => editorText(page)).toBe(oneLine);

    await page.keyboard.press("ControlOrMeta+Shift+F");
    const formatted = [
      "select",
      "  trip_id,",
      "  fare_amount",
      "from",
      "  samples.nyctaxi.trips",
      "where",
      "  fare_amount > 10",
      "order by",
      "  2 desc",
      "limit",
      "  5",
    ].join("\n");
    await expect.poll(() => editorText(page)).toBe(formatted);
    await page.screenshot({ path: "test-results/editor-formatted.png" });

    await page.keyboard.press("ControlOrMeta+Z");
    await expect.poll(() => editorText(page)).toBe(oneLine);

    await page.getByRole("button", { name: "Format", exact: true }).click();
    await expect.poll(() => editorText(page)).toBe(formatted);
    // The formatted text runs.
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await page.keyboard.press("ControlOrMeta+Z");
    await expect.poll(() => editorText(page)).toBe(oneLine);
  });

  test("formatting keeps parameters, comments and strings exactly; SQL it cannot format is left alone", async ({
    app: page,
  }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(
      page,
      "SELECT id, 'a;b -- c' AS s FROM t -- the trips\nWHERE d >= :start_date AND note = 'it''s' /* keep   this */",
    );
    await page.keyboard.press("ControlOrMeta+Shift+F");
    await expect
      .poll(() => editorText(page))
      .toBe(
        [
          "SELECT",
          "  id,",
          "  'a;b -- c' AS s",
          "FROM",
          "  t -- the trips",
          "WHERE",
          "  d >= :start_date",
          "  AND note = 'it''s' /* keep   this */",
        ].join("\n"),
      );

    // Only the selection is formatted.
    await typeSql(page, "select 1 as a;\nselect b, c from t where b = 1;");
    await cursorToLine(page, 2);
    await page.keyboard.press("Shift+End");
    await page.keyboard.press("ControlOrMeta+Shift+F");
    await expect
      .poll(() => editorText(page))
      .toBe(["select 1 as a;", "select", "  b,", "  c", "from", "  t", "where", "  b = 1;"].join("\n"));

    // A bracket that closes nothing: a message at the cursor, and the text as it was.
    const broken = "select 1 + 2) from t";
    await typeSql(page, broken);
    await page.keyboard.press("ControlOrMeta+Shift+F");
    await expect(page.getByRole("alert").filter({ hasText: "closes nothing" })).toHaveText(
      "The bracket on line 1 closes nothing: fix the brackets before formatting.",
    );
    await page.screenshot({ path: "test-results/editor-format-refused.png" });
    expect(await editorText(page)).toBe(broken);
    // Formatting again once it is fixed clears the message.
    await typeSql(page, "select 1 + 2 from t");
    await page.getByRole("button", { name: "Format", exact: true }).click();
    await expect.poll(() => editorText(page)).toBe("select\n  1 + 2\nfrom\n  t");
    await expect(page.getByRole("alert").filter({ hasText: "closes nothing" })).toHaveCount(0);
  });

  test("Ctrl+Shift+Enter runs only the statement under the cursor", async ({ app: page }) => {
    const tag = `stmt_${Date.now().toString(36)}`;
    await page.goto("/");
    await newTab(page);
    await typeSql(page, `SELECT 1 AS ${tag}_a;\nSELECT 2 AS ${tag}_b, 'x;y' AS s;\nSELECT 3 AS ${tag}_c;`);
    await cursorToLine(page, 2);
    await page.keyboard.press("End");
    await page.keyboard.press("ControlOrMeta+Shift+Enter");
    // The statement is highlighted for a moment.
    await expect(page.locator(".monaco-editor .run-statement-flash").first()).toBeAttached();
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(page.getByRole("grid", { name: "Query result" })).toContainText(`${tag}_b`);
    expect(await gridRows(page)).toEqual([["2", "x;y"]]);
    await expect(page.locator(".monaco-editor .run-statement-flash")).toHaveCount(0);
    // The text is untouched: Monaco's own Ctrl+Shift+Enter would have inserted a line.
    expect((await editorText(page)).split("\n")).toHaveLength(3);

    // An error in the statement is marked where it is in the editor, not in the statement alone.
    await typeSql(page, `SELECT 1 AS ${tag}_d;\n\n  SELECT ${tag}_missing FROM range(1);`);
    await cursorToLine(page, 3);
    await page.keyboard.press("ControlOrMeta+Shift+Enter");
    await expect(resultStatus(page)).toHaveText("Failed");
    await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(1);
    const squiggle = await page.locator(".monaco-editor .squiggly-error").boundingBox();
    const line3 = await page
      .locator(".monaco-editor .view-line")
      .filter({ hasText: `${tag}_missing` })
      .boundingBox();
    expect(squiggle && line3 && Math.abs(squiggle.y + squiggle.height / 2 - (line3.y + line3.height / 2))).toBeLessThan(
      line3?.height ?? 0,
    );

    // History has the one statement that ran, not the script.
    await page.goto(`/history?q=${tag}`);
    const rows = page.getByRole("table", { name: "Query history" }).getByRole("row").filter({ hasText: tag });
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(`SELECT 2 AS ${tag}_b`);
    await expect(rows.nth(1)).not.toContainText(`${tag}_a`);
    await expect(rows.nth(1)).not.toContainText(`${tag}_c`);
    await expect(rows.nth(0)).toContainText(`${tag}_missing`);
    await expect(rows.nth(0)).not.toContainText(`${tag}_d`);
  });

  test("the shortcuts list opens from the toolbar and lists the editor's keys", async ({ app: page }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "select a, b from t");
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    const dialog = page.getByRole("dialog", { name: "Editor keyboard shortcuts" });
    await expect(dialog).toBeVisible();
    // Chromium on Linux: Ctrl, not ⌘.
    for (const [keys, what] of [
      ["Ctrl+Enter", "Run the selection, or everything"],
      ["Ctrl+Shift+Enter", "Run the statement under the cursor"],
      ["Ctrl+Shift+F", "Format the selection, or everything"],
      ["Ctrl+S", "Save the query"],
      ["Ctrl+/", "Comment or uncomment the lines"],
    ])
      await expect(dialog.getByRole("row").filter({ hasText: what })).toContainText(keys);
    await expect(dialog).not.toContainText("⌘");
    await page.screenshot({ path: "test-results/editor-shortcuts.png" });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // One listed key that is Monaco's own: Ctrl+/ comments the line.
    await focusEditor(page);
    await page.keyboard.press("ControlOrMeta+/");
    await expect.poll(() => editorText(page)).toBe("-- select a, b from t");
  });
});
