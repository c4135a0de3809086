// The editor page as a member opens it in Chromium (the system one, as the
// browser tests use): the JavaScript downloaded before the editor takes keys,
// and the time until it does; and the JavaScript of a page without the editor
// (History), which the editor's language service must not grow.
import path from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { Client } from "./client.mjs";
import type { PhaseContext } from "./context.mjs";
import { printServerLog, startServer } from "./server.mjs";
import { fmtMB, fmtMs, log, median, table } from "./stats.mjs";

interface Load {
  /** From navigation to the editor accepting a key (ms). */
  usableMs: number;
  /** JavaScript received before then (bytes on the wire). */
  jsBytes: number;
  jsFiles: number;
}

/** Opens `url` in `page`; resolves once `ready` holds, with the JavaScript received until then. */
async function load(page: Page, url: string, ready: (page: Page) => Promise<void>): Promise<Load> {
  let jsBytes = 0;
  let jsFiles = 0;
  let counting = true;
  const onResponse = async (response: import("@playwright/test").Response) => {
    if (response.request().resourceType() !== "script") return;
    const sizes = await response
      .request()
      .sizes()
      .catch(() => null);
    if (counting && sizes) {
      jsBytes += sizes.responseBodySize;
      jsFiles += 1;
    }
  };
  page.on("response", onResponse);
  const t0 = performance.now();
  await page.goto(url);
  await ready(page);
  const usableMs = performance.now() - t0;
  counting = false;
  page.off("response", onResponse);
  return { usableMs, jsBytes, jsFiles };
}

/** The editor takes keys: Monaco's input is there and a typed character lands in the text. */
async function editorUsable(page: Page): Promise<void> {
  const input = page.locator(".monaco-editor textarea").first();
  await input.waitFor({ state: "attached", timeout: 60_000 });
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.type("x");
  await page.locator(".monaco-editor .view-line", { hasText: "x" }).first().waitFor({ timeout: 60_000 });
}

export async function measureEditorPage(ctx: PhaseContext) {
  const repeats = ctx.smoke ? 1 : 5;
  await ctx.waitForQuiet();
  ctx.setStep("editor page: starting the server");
  const logFile = path.join(ctx.tmpRoot, "server-editor-page.log");
  const server = await startServer({
    cwd: ctx.cwd,
    dataDir: path.join(ctx.tmpRoot, "data-editor-page"),
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" },
    logFile,
  });
  let browser: Browser | null = null;
  const cold: Load[] = [];
  const warm: Load[] = [];
  const other: Load[] = [];
  try {
    const client = new Client(server.base, ctx.cwd);
    await client.init();
    const [name, value] = (client.cookie ?? "").split(/=(.*)/s);
    const launched = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    browser = launched;
    ctx.setStep("editor page: loading it");
    // A first load warms the server (compiling routes on first use) and is not counted; the smoke run counts it.
    const warmups = ctx.smoke ? 0 : 1;
    for (let rep = 0; rep < repeats + warmups; rep++) {
      // A new context for each page: an empty cache, as a member's first visit.
      const open = async () => {
        const context = await launched.newContext({ viewport: { width: 1400, height: 900 } });
        await context.addCookies([{ name, value, url: server.base }]);
        return { context, page: await context.newPage() };
      };
      const editor = await open();
      const first = await load(editor.page, `${server.base}/`, editorUsable);
      const again = await load(editor.page, `${server.base}/`, editorUsable);
      await editor.context.close();
      const plain = await open();
      const history = await load(plain.page, `${server.base}/history`, (p) =>
        p.getByRole("heading", { name: "Query history" }).waitFor({ timeout: 60_000 }),
      );
      await plain.context.close();
      if (rep < warmups) continue;
      cold.push(first);
      warm.push(again);
      other.push(history);
    }
  } catch (error) {
    printServerLog(logFile);
    throw error;
  } finally {
    await browser?.close();
    await server.stop();
  }
  const figures = {
    loads: cold.length,
    coldUsableMs: median(cold.map((l) => l.usableMs)),
    warmUsableMs: median(warm.map((l) => l.usableMs)),
    coldJsBytes: median(cold.map((l) => l.jsBytes)),
    coldJsFiles: median(cold.map((l) => l.jsFiles)),
    historyJsBytes: median(other.map((l) => l.jsBytes)),
  };
  log(
    `  editor page: usable after ${fmtMs(figures.coldUsableMs)} (empty cache, ${fmtMB(figures.coldJsBytes)} of JavaScript), ${fmtMs(figures.warmUsableMs)} (cached)`,
  );
  return figures;
}

export type EditorPageFigures = Awaited<ReturnType<typeof measureEditorPage>>;

export function reportEditorPage(f: EditorPageFigures): void {
  console.log(`\nThe editor page in Chromium (median of ${f.loads} loads; JavaScript as received, compressed)\n`);
  console.log(
    table(
      ["", "value"],
      [
        ["time until the editor takes keys, empty cache", fmtMs(f.coldUsableMs)],
        ["  the same, cached (a reload)", fmtMs(f.warmUsableMs)],
        [
          "JavaScript received before then, empty cache",
          `${(f.coldJsBytes / 1024).toFixed(0)} KiB in ${f.coldJsFiles} files`,
        ],
        [
          "JavaScript of a page without the editor (History), empty cache",
          `${(f.historyJsBytes / 1024).toFixed(0)} KiB`,
        ],
      ],
    ),
  );
}
