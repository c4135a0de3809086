// Paging as a member feels it (issue 15): in Chromium, the time from a click
// on "Next page" until that page's first row is drawn, while a long query's
// rows are still being stored and after the run has ended. Measured in the
// page (a MutationObserver), so Playwright's own round trips are not in it.
import path from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { Client } from "./client.mjs";
import type { AddTarget, PhaseContext } from "./context.mjs";
import { benchQuery, warmUp } from "./runs.mjs";
import { printServerLog, startServer } from "./server.mjs";
import { fmtMs, log, percentile, table } from "./stats.mjs";

/** Goal from the results issue, for both while streaming and after. */
const GOAL_MS = 100;
/** Pages clicked in each state. */
const CLICKS = 20;
/** A member looks at a page this long before the next click. */
const THINK_MS = 250;

/**
 * Clicks "Next page" and resolves with the ms until the page's first row
 * shows `firstRow`. (Text, not a function: tsx would add helpers to a
 * function's source that the page does not have.)
 */
function clickNext(page: Page, firstRow: number): Promise<number> {
  const expected = JSON.stringify(firstRow.toLocaleString("en-US"));
  return page.evaluate(`(async () => {
    const shown = () =>
      document.querySelector('table.grid tbody tr[aria-rowindex="2"] td.rownum')?.textContent === ${expected};
    const button = document.querySelector('button[aria-label="Next page"]');
    if (!button || button.disabled) throw new Error("Next page is not available");
    const t0 = performance.now();
    const drawn = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("page never shown")), 30000);
      const observer = new MutationObserver(() => {
        if (!shown()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve();
      });
      observer.observe(document.querySelector("table.grid"), { subtree: true, childList: true, characterData: true });
    });
    button.click();
    await drawn;
    return performance.now() - t0;
  })()`) as Promise<number>;
}

async function firstRowShown(page: Page): Promise<number> {
  const text = await page.locator('table.grid tbody tr[aria-rowindex="2"] td.rownum').textContent();
  return Number((text ?? "0").replaceAll(",", ""));
}

export async function measurePageClicks(ctx: PhaseContext) {
  const rows = ctx.smoke ? 200_000 : 20_000_000;
  const clicks = ctx.smoke ? 3 : CLICKS;
  await ctx.waitForQuiet();
  ctx.setStep("page clicks: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-page-clicks.log");
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir: path.join(ctx.tmpRoot, "data-page-clicks"),
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000", LAKEBOOK_RESULT_MAX_ROWS: String(rows) },
    logFile,
  });
  let browser: Browser | null = null;
  const streaming: number[] = [];
  const ended: number[] = [];
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    await warmUp(client);
    const [name, value] = (client.cookie ?? "").split(/=(.*)/s);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addCookies([{ name, value, url: server.base }]);
    const page = await context.newPage();
    await page.goto(`${server.base}/`);
    const input = page.locator(".monaco-editor textarea").first();
    await input.waitFor({ state: "attached", timeout: 60_000 });
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.insertText(benchQuery(rows));
    ctx.setStep("page clicks: while the rows stream in");
    await page.getByRole("button", { name: "▶ Run" }).click();
    const status = page.locator(".result-bar .status");
    await page.locator('table.grid tbody tr[aria-rowindex="2"]').waitFor({ timeout: 120_000 });
    while (streaming.length < clicks && (await status.textContent())?.startsWith("Running")) {
      const next = (await firstRowShown(page)) + 100;
      try {
        streaming.push(await clickNext(page, next));
      } catch (error) {
        // The run ended (or Next page was not offered yet) between the check and the click.
        if (!(await status.textContent())?.startsWith("Running")) break;
        throw error;
      }
      await page.waitForTimeout(THINK_MS);
    }
    ctx.setStep("page clicks: after the run");
    await page.getByText("Succeeded").first().waitFor({ timeout: 600_000 });
    await page.getByRole("button", { name: "First page" }).click();
    await page.locator('table.grid tbody tr[aria-rowindex="2"] td.rownum', { hasText: /^1$/ }).waitFor();
    for (let i = 0; i < clicks; i++) {
      ended.push(await clickNext(page, (await firstRowShown(page)) + 100));
      await page.waitForTimeout(THINK_MS);
    }
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    await browser?.close();
    await server.stop();
  }
  const figures = {
    rows,
    streaming: { count: streaming.length, p50Ms: percentile(streaming, 50), p95Ms: percentile(streaming, 95) },
    ended: { count: ended.length, p50Ms: percentile(ended, 50), p95Ms: percentile(ended, 95) },
  };
  log(
    `  page clicks: p50 ${fmtMs(figures.streaming.p50Ms)} while streaming (${streaming.length} clicks), ${fmtMs(figures.ended.p50Ms)} after`,
  );
  return figures;
}

export type PageClickFigures = Awaited<ReturnType<typeof measurePageClicks>>;

export function reportPageClicks(f: PageClickFigures, add: AddTarget): void {
  console.log(
    `\nNext page in Chromium, click to first row drawn (${f.rows.toLocaleString("en-US")}-row query, 100 rows a page)\n`,
  );
  console.log(
    table(
      ["", "clicks", "p50", "p95"],
      [
        ["while the rows stream in", f.streaming.count, fmtMs(f.streaming.p50Ms), fmtMs(f.streaming.p95Ms)],
        ["after the run has ended", f.ended.count, fmtMs(f.ended.p50Ms), fmtMs(f.ended.p95Ms)],
      ],
    ),
  );
  const pass = (ms: number | null) => ms !== null && ms < GOAL_MS;
  add("next page p50, while streaming", fmtMs(f.streaming.p50Ms), `< ${GOAL_MS} ms`, pass(f.streaming.p50Ms));
  add("next page p50, after the run", fmtMs(f.ended.p50Ms), `< ${GOAL_MS} ms`, pass(f.ended.p50Ms));
}
