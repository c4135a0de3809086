import {
  type Browser,
  type BrowserContext,
  test as base,
  type Dialog,
  expect,
  type Locator,
  type Page,
} from "@playwright/test";
import { ADMIN_STATE } from "./constants";

/**
 * Content-Security-Policy violations seen in any browser context of this
 * worker: the page reports each one (a `securitypolicyviolation` event) to the
 * console, where the context's listener collects it.
 */
const cspViolations: string[] = [];
const CSP_MARK = "[csp-violation]";

async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript((mark) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `${mark} ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname} (from ${event.sourceFile}:${event.lineNumber})`,
      );
    });
  }, CSP_MARK);
  context.on("console", (message) => {
    const text = message.text();
    if (text.startsWith(CSP_MARK) || /Content Security Policy/i.test(text)) cspViolations.push(text);
  });
}

/**
 * Every test fails if the page reaches beyond this machine (CDNs, fonts,
 * telemetry), throws an uncaught error, or breaks the Content-Security-Policy
 * in any browser context it opens.
 */
export const test = base.extend<{ app: Page; cspGuard: undefined }, { watchedBrowser: undefined }>({
  // Contexts a test opens itself (browser.newContext) are watched too.
  watchedBrowser: [
    async ({ browser }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const context = await newContext(options);
        await watchCsp(context);
        return context;
      };
      await use(undefined);
    },
    { scope: "worker", auto: true },
  ],
  context: async ({ context }, use) => {
    await watchCsp(context);
    await use(context);
  },
  cspGuard: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads which fixtures a fixture needs from this pattern.
    async ({}, use) => {
      cspViolations.length = 0;
      await use(undefined);
      expect(cspViolations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
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

/** The editor's tabs (a script's results have a strip of tabs of their own). */
export function editorTabs(page: Page): Locator {
  return page.getByRole("tablist", { name: "Editor tabs" }).getByRole("tab");
}

/** Tabs the shared admin keeps open at most before newTab closes the oldest (the server allows MAX_TABS). */
const KEEP_TABS = 20;

/** Opens a new editor tab and waits until it is the one shown (the server creates it first). */
/**
 * Editor tabs remember their connection: a spec that moved the shared admin's
 * tabs to a warehouse of its own puts every tab back on the built-in warehouse
 * for the specs after it (each tab's draft saved before the next).
 */
export async function leaveTabsOnBuiltin(browser: Browser): Promise<void> {
  const context = await browser.newContext({ storageState: ADMIN_STATE });
  const page = await context.newPage();
  await page.goto("/");
  const tabs = editorTabs(page);
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    const connection = page.getByLabel("Connection");
    if ((await connection.inputValue()) === "builtin") continue;
    const draftSaved = page.waitForResponse(
      (r) => r.request().method() === "POST" && /"revision"/.test(r.request().postData() ?? ""),
    );
    await connection.selectOption({ label: "Built-in warehouse (DuckDB)" });
    await draftSaved;
  }
  await context.close();
}

export async function newTab(page: Page): Promise<void> {
  const strip = page.getByRole("tablist", { name: "Editor tabs" });
  await strip.waitFor();
  // Only the editor's tabs: a script's results have a strip of tabs of their own.
  const tabs = strip.getByRole("tab");
  // A member has at most MAX_TABS tabs: the specs share one admin, so the oldest go first.
  const close = strip.getByRole("button", { name: /^Close / });
  const accept = (dialog: Dialog) => void dialog.accept();
  page.on("dialog", accept);
  try {
    for (let open = await tabs.count(); open >= KEEP_TABS; open--) {
      await close.first().click();
      await expect(tabs).toHaveCount(open - 1);
    }
  } finally {
    page.off("dialog", accept);
  }
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

/** The grid's drawn rows (it draws only those in view, and a few more: see gridRows for all of a page). */
export function drawnRows(page: Page) {
  return page.getByRole("grid", { name: "Query result" }).locator("tbody tr[aria-rowindex]");
}

/** The first value cell of the grid (after the row number). */
export function firstCell(page: Page) {
  return drawnRows(page).first().locator("td").nth(1);
}

/**
 * Every row of the page shown, as text: one array per row, without the
 * row-number column. The grid draws only the rows in view, so this scrolls it
 * from top to bottom, collecting rows by their index, and scrolls back.
 */
export async function gridRows(page: Page): Promise<string[][]> {
  const grid = page.getByRole("grid", { name: "Query result" });
  return grid.evaluate(async (table) => {
    const scroller = table.closest(".grid-scroll") as HTMLElement;
    const byIndex = new Map<number, string[]>();
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const collect = () => {
      for (const tr of Array.from(table.querySelectorAll("tbody tr[aria-rowindex]"))) {
        const cells = Array.from(tr.querySelectorAll("td"))
          .slice(1)
          .map((td) => td.textContent ?? "");
        byIndex.set(Number(tr.getAttribute("aria-rowindex")), cells);
      }
    };
    const start = scroller.scrollTop;
    for (let top = 0; ; top += Math.max(1, scroller.clientHeight - 40)) {
      scroller.scrollTop = top;
      await frame();
      collect();
      if (top + scroller.clientHeight >= scroller.scrollHeight) break;
    }
    scroller.scrollTop = start;
    await frame();
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, cells]) => cells);
  });
}

/** Waits until the page shown has `rows` rows, drawn or not. */
export async function expectPageRows(page: Page, rows: number): Promise<void> {
  await expect(page.getByRole("grid", { name: "Query result" })).toHaveAttribute("data-page-rows", String(rows));
}
