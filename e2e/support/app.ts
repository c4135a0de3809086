import { test as base, expect, type Locator, type Page } from "@playwright/test";

/**
 * Every test fails if the page reaches beyond this machine (CDNs, fonts,
 * telemetry) or throws an uncaught error.
 */
export const test = base.extend<{ app: Page }>({
  app: async ({ page }, use) => {
    const outside: string[] = [];
    const errors: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) return;
      if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") outside.push(request.url());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(page);
    expect(outside, "requests outside loopback").toEqual([]);
    expect(errors, "uncaught page errors").toEqual([]);
  },
});

export { expect };

/**
 * Clicks into a Monaco editor (the only one on the page, or the one in `scope`)
 * and waits until it has the focus, so that keys go to the editor and not the page.
 */
export async function focusEditor(scope: Page | Locator): Promise<void> {
  const textbox = scope.locator(".monaco-editor").getByRole("textbox");
  await textbox.waitFor({ state: "attached" });
  // The editor's visible box, not `.view-lines`: that one is as tall as the whole text,
  // so for a long text its centre lies outside the editor.
  await scope.locator(".monaco-editor .overflow-guard").click();
  await expect(textbox).toBeFocused();
}

/** Opens a new editor tab and waits until it is the one shown (the server creates it first). */
export async function newTab(page: Page): Promise<void> {
  await page.getByRole("tablist", { name: "Editor tabs" }).waitFor();
  const tabs = page.getByRole("tab");
  const before = await tabs.count();
  await page.getByRole("button", { name: "New tab" }).click();
  await expect(tabs).toHaveCount(before + 1);
  await expect(tabs.last()).toHaveAttribute("aria-selected", "true");
}

/** Replaces the editor's text, as a user would by selecting all and typing. */
export async function typeSql(page: Page, sql: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // insertText types the text as one input, so Monaco's auto-closing brackets stay out of it.
  await page.keyboard.insertText(sql);
}

/** Replaces the editor's text by pasting, the way large SQL arrives in an editor. */
export async function pasteSql(page: Page, sql: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press("ControlOrMeta+A");
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    document.activeElement?.dispatchEvent(event);
  }, sql);
}

export async function runSql(page: Page, sql: string): Promise<void> {
  await typeSql(page, sql);
  await page.keyboard.press("ControlOrMeta+Enter");
}

export function resultStatus(page: Page) {
  return page.locator(".result-bar .status");
}

/** The first value cell of the grid (after the row number). */
export function firstCell(page: Page) {
  return page.getByRole("table", { name: "Query result" }).locator("tbody tr").first().locator("td").nth(1);
}

/** The visible grid as text: one array per row, without the row-number column. */
export async function gridRows(page: Page): Promise<string[][]> {
  const rows = page.getByRole("table", { name: "Query result" }).locator("tbody tr");
  return rows.evaluateAll((trs) =>
    trs.map((tr) =>
      Array.from(tr.querySelectorAll("td"))
        .slice(1)
        .map((td) => td.textContent ?? ""),
    ),
  );
}
