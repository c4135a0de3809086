import { execFileSync } from "node:child_process";
import fs from "node:fs";
import type { Page } from "@playwright/test";
import { expect, focusEditor, test } from "./support/app";
import { signUpMember } from "./support/members";

function cell(page: Page, n: number) {
  return page.getByRole("region", { name: new RegExp(`^Cell ${n} \\((SQL|Markdown)\\)$`) });
}

async function saved(page: Page) {
  await expect(page.locator(".save-status")).toHaveText("All changes saved");
}

/** Adds a SQL cell at the end and types its SQL, as a user would. */
async function addSqlCell(page: Page, n: number, sql: string) {
  await page.getByRole("button", { name: "+ SQL cell" }).click();
  // A new cell opens in its editor, ready to type.
  await expect(cell(page, n).getByRole("textbox", { name: `SQL of cell ${n}` })).toBeFocused();
  await page.keyboard.insertText(sql);
}

async function newNotebook(page: Page, title: string) {
  await page.goto("/notebooks");
  await page.getByRole("button", { name: "New notebook" }).click();
  await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  await page.getByLabel("Notebook title").fill(title);
}

/** Runs of this test's SQL in the user's history (each SQL carries the tag). */
async function historyCount(page: Page, tag: string) {
  await page.goto(`/history?q=${tag}`);
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  return page.locator("tr[data-run-id]").count();
}

test.describe("notebooks", () => {
  test("build, run all, chart, reopen without a run, share, export and import", async ({ app: ada, browser }) => {
    test.setTimeout(180_000);
    const tag = `nb_${Date.now().toString(36)}`;
    const title = `Trip report ${tag}`;
    await newNotebook(ada, title);

    // The starter cell becomes the Markdown introduction.
    await cell(ada, 1).getByLabel("Type of cell 1").selectOption("markdown");
    await cell(ada, 1).locator(".markdown-rendered").dblclick();
    await ada.getByLabel("Markdown of cell 1").fill(`# Trips ${tag}\n\nFares by **payment type**.`);
    await ada.keyboard.press("Escape");
    await expect(cell(ada, 1).getByRole("heading", { name: `Trips ${tag}` })).toBeVisible();

    await addSqlCell(
      ada,
      2,
      `SELECT payment_type, count(*) AS trips, sum(fare_amount) AS fares -- ${tag}\nFROM samples.nyctaxi.trips GROUP BY 1 ORDER BY 1`,
    );
    await addSqlCell(ada, 3, `SELECT count(*) AS orders -- ${tag}\nFROM samples.tpch.orders`);
    await addSqlCell(
      ada,
      4,
      `SELECT trip_id, fare_amount -- ${tag}\nFROM samples.nyctaxi.trips ORDER BY trip_id LIMIT 120`,
    );
    await saved(ada);

    await ada.getByRole("button", { name: "▶ Run all" }).click();
    for (const n of [2, 3, 4]) await expect(cell(ada, n).locator(".result-bar .status")).toHaveText("Succeeded");
    await expect(cell(ada, 2).getByRole("grid", { name: "Query result" })).toContainText("Credit card");
    await expect(cell(ada, 3).getByRole("grid", { name: "Query result" })).toContainText("150000");
    await expect(cell(ada, 4).locator(".result-bar")).toContainText("120 rows");

    // A bar chart of trips by payment type, saved with the cell.
    await cell(ada, 2).getByRole("button", { name: "Add chart" }).click();
    await cell(ada, 2).getByLabel("Chart type").selectOption("bar");
    await cell(ada, 2).getByLabel("X axis").selectOption("payment_type");
    await cell(ada, 2).getByRole("checkbox", { name: "trips" }).check();
    const chart = cell(ada, 2).getByRole("img", { name: /Bar chart/ });
    await expect(chart).toBeVisible();
    await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(4);
    await saved(ada);
    await cell(ada, 2).screenshot({ path: "test-results/notebook-chart-editor.png" });
    const link = ada.url();

    // Reopened: results and chart are there, and the history shows no new run.
    expect(await historyCount(ada, tag)).toBe(3);
    await ada.goto(link);
    await expect(ada.getByLabel("Notebook title")).toHaveValue(title);
    await expect(cell(ada, 2).getByText(/Stored result: run by Ada Admin/)).toBeVisible();
    await expect(cell(ada, 2).getByRole("grid", { name: "Query result" })).toContainText("Credit card");
    await expect(cell(ada, 2).getByRole("img", { name: /Bar chart/ })).toBeVisible();
    await expect(cell(ada, 4).locator(".result-bar")).toContainText("120 rows");
    await ada.setViewportSize({ width: 1400, height: 1180 });
    await ada.screenshot({ path: "test-results/notebook.png" });
    await ada.setViewportSize({ width: 1400, height: 900 });
    expect(await historyCount(ada, tag)).toBe(3);

    // A teammate with Can view opens the link: results and chart, no run, no edits.
    const bea = await signUpMember(ada, browser, `Bea ${tag}`, `bea-${tag}@example.com`);
    await bea.goto(link);
    await expect(bea.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await ada.goto(link);
    await ada.getByRole("button", { name: "Share" }).click();
    const share = ada.getByRole("dialog", { name: "Sharing" });
    await share.getByLabel("Add people or groups").fill("Bea");
    await share.getByRole("button", { name: new RegExp(`Bea ${tag}`) }).click();
    await share.getByLabel("Access level").selectOption("view");
    await share.getByRole("button", { name: "Share", exact: true }).click();
    await expect(share.getByLabel(`Access for Bea ${tag}`)).toHaveValue("view");
    await share.getByRole("button", { name: "Close" }).click();
    await bea.goto(link);
    await expect(bea.getByLabel("Notebook title")).toHaveValue(title);
    await expect(cell(bea, 2).getByRole("img", { name: /Bar chart/ })).toBeVisible();
    await expect(cell(bea, 3).getByRole("grid", { name: "Query result" })).toContainText("150000");
    await expect(bea.getByRole("button", { name: "▶ Run all" })).toBeDisabled();
    await expect(bea.getByRole("button", { name: "+ SQL cell" })).toHaveCount(0);
    await bea.context().close();

    // Exported for Jupyter and imported back: the same cells.
    await ada.locator("summary", { hasText: "Export" }).click();
    const menu = ada.getByRole("menu");
    await expect(menu.getByRole("menuitem")).toHaveText([
      "Jupyter notebook, runs through Lakebook (.ipynb)",
      "Databricks notebook (.ipynb)",
      "SQL file (.sql)",
    ]);
    await ada.screenshot({
      path: "test-results/notebook-export-menu.png",
      clip: { x: 0, y: 0, width: 1400, height: 360 },
    });
    const [download] = await Promise.all([
      ada.waitForEvent("download"),
      menu.getByRole("menuitem", { name: "Jupyter notebook, runs through Lakebook (.ipynb)" }).click(),
    ]);
    const file = await download.path();
    const text = fs.readFileSync(file, "utf8");
    // Valid for Jupyter's own nbformat (Debian's python3-nbformat).
    execFileSync(
      "/usr/bin/python3",
      ["-c", "import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4))"],
      {
        input: text,
      },
    );
    const exported = JSON.parse(text);
    expect(exported.cells.map((c: { cell_type: string }) => c.cell_type)).toEqual([
      "code",
      "markdown",
      "code",
      "code",
      "code",
    ]);
    const connect = exported.cells[0].source.join("");
    expect(connect).toContain(`LAKEBOOK_URL = "${new URL(ada.url()).origin}"`);
    expect(connect).toContain('os.environ["LAKEBOOK_TOKEN"]');
    expect(exported.cells[2].source.join("")).toMatch(/^%%sql\nSELECT payment_type/);
    // Each cell's stored result is its output, as the page shows it.
    expect(exported.cells[3].outputs[0].data["text/plain"]).toMatch(/^orders\n150000\n\nShowing 1 of 1 rows\.\n$/);
    expect(exported.cells[4].outputs[0].data["text/html"]).toContain("<p>Showing 20 of 120 rows.</p>");

    await ada.goto("/notebooks");
    await expect(ada.getByRole("link", { name: title })).toBeVisible();
    await ada.screenshot({ path: "test-results/notebook-list.png" });
    await ada.getByLabel("Import .ipynb or .sql…").setInputFiles({
      name: `${tag}.ipynb`,
      mimeType: "application/x-ipynb+json",
      buffer: fs.readFileSync(file),
    });
    await expect(ada).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
    expect(ada.url()).not.toBe(link);
    await expect(ada.getByLabel("Notebook title")).toHaveValue(title);
    await expect(ada.getByRole("region", { name: /^Cell \d+/ })).toHaveCount(4);
    await expect(cell(ada, 1).getByRole("heading", { name: `Trips ${tag}` })).toBeVisible();
    await expect(cell(ada, 2).getByRole("textbox", { name: "SQL of cell 2" })).toBeAttached();
    await expect(cell(ada, 2).locator(".view-lines")).toContainText("SELECT payment_type");
    await expect(cell(ada, 4).locator(".view-lines")).toContainText("LIMIT 120");
  });

  test("Markdown with script and javascript: links renders inert", async ({ app: page }) => {
    const tag = `xss_${Date.now().toString(36)}`;
    await newNotebook(page, `Unsafe ${tag}`);
    await cell(page, 1).getByLabel("Type of cell 1").selectOption("markdown");
    await cell(page, 1).locator(".markdown-rendered").dblclick();
    await page
      .getByLabel("Markdown of cell 1")
      .fill(
        `# Safe ${tag}\n\n<script>window.__pwned = 1</script>\n\n<img src=x onerror="window.__pwned = 2">\n\n[click me](javascript:window.__pwned=3)\n\n![pixel](https://tracker.example.com/p.png)`,
      );
    await page.keyboard.press("Escape");
    await saved(page);
    await page.reload();
    const rendered = cell(page, 1).locator(".markdown");
    await expect(rendered.getByRole("heading", { name: `Safe ${tag}` })).toBeVisible();
    await expect(rendered.locator("script, img[onerror], iframe")).toHaveCount(0);
    // Raw HTML is shown as text, never parsed.
    await expect(rendered).toContainText("<script>");
    const link = rendered.getByRole("link", { name: "click me" });
    await expect(link).toBeVisible();
    expect(await link.getAttribute("href")).not.toMatch(/javascript:/i);
    // A remote image is a placeholder, not a request to another host (the fixture fails on any such request).
    await expect(rendered.getByText("[image not shown: pixel]")).toBeVisible();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  test("Markdown images make no request: not a run's full download, not another host", async ({ app: page }) => {
    const tag = `img_${Date.now().toString(36)}`;
    const fullDownload = "/api/runs/0123456789abcdef0123456789abcdef/csv?all=1";
    const pixel =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    await newNotebook(page, `Images ${tag}`);
    await cell(page, 1).getByLabel("Type of cell 1").selectOption("markdown");
    await cell(page, 1).locator(".markdown-rendered").dblclick();
    await page
      .getByLabel("Markdown of cell 1")
      .fill(`# Images ${tag}\n\n![x](${fullDownload})\n\n![y](https://example.com/a.png)\n\n![dot](${pixel})`);
    await page.keyboard.press("Escape");
    await saved(page);
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.reload();
    const rendered = cell(page, 1).locator(".markdown");
    await expect(rendered.getByRole("heading", { name: `Images ${tag}` })).toBeVisible();
    await expect(rendered.getByText("[image not shown: x]")).toBeVisible();
    await expect(rendered.getByText("[image not shown: y]")).toBeVisible();
    // The embedded image is the only one.
    await expect(rendered.locator("img")).toHaveCount(1);
    await expect(rendered.getByRole("img", { name: "dot" })).toBeVisible();
    expect(requested.filter((url) => url.includes("/csv") || url.includes("example.com"))).toEqual([]);
    // Typed in the address bar, the full download refuses and says why.
    const refused = await page.request.get(fullDownload);
    expect(refused.status()).toBe(405);
    expect(await refused.text()).toContain("Download every row as CSV");
  });

  test("deleting a cell that is running stops its run", async ({ app: page }) => {
    const tag = `del_${Date.now().toString(36)}`;
    await newNotebook(page, `Delete ${tag}`);
    await focusEditor(cell(page, 1));
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(`SELECT count(*) AS ${tag} FROM range(50000000000) t(i) WHERE i % 7 = 3`);
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(cell(page, 1).getByRole("status").filter({ hasText: "Running…" })).toBeVisible();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete cell 1" }).click();
    await expect(page.getByRole("region", { name: /^Cell \d+/ })).toHaveCount(0);
    await saved(page);
    // The history says so once the warehouse has stopped the statement.
    await expect(async () => {
      await page.goto(`/history?q=${tag}`);
      await expect(page.locator("tr[data-run-id]").filter({ hasText: tag })).toContainText("Cancelled", {
        timeout: 1_000,
      });
    }).toPass({ timeout: 20_000 });
  });

  test("keys as in Jupyter, and a stale save gets the conflict choice", async ({ app: page }) => {
    const tag = `keys_${Date.now().toString(36)}`;
    await newNotebook(page, `Keys ${tag}`);
    await saved(page);

    // Shift+Enter runs the cell and opens a new one below it.
    await focusEditor(cell(page, 1));
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(`SELECT 41 + 1 AS answer_${tag}`);
    await page.keyboard.press("Shift+Enter");
    await expect(cell(page, 1).locator(".result-bar .status")).toHaveText("Succeeded");
    await expect(cell(page, 1).getByRole("grid", { name: "Query result" })).toContainText("42");
    await expect(cell(page, 2).getByRole("textbox", { name: "SQL of cell 2" })).toBeFocused();

    // Esc leaves the editor; A adds a cell above, M makes it Markdown, J/K move the selection.
    await page.keyboard.insertText("SELECT 2");
    await page.keyboard.press("Escape");
    await expect(cell(page, 2)).toBeFocused();
    await page.keyboard.press("a");
    await expect(page.getByRole("region", { name: /^Cell \d+/ })).toHaveCount(3);
    await expect(cell(page, 2).getByRole("textbox", { name: "SQL of cell 2" })).toBeFocused();
    await page.keyboard.press("Escape");
    await page.keyboard.press("m");
    await expect(cell(page, 2)).toHaveAccessibleName("Cell 2 (Markdown)");
    await page.keyboard.press("j");
    await expect(cell(page, 3)).toBeFocused();
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText(
      "Add a SQL cell above / below",
    );
    await page.keyboard.press("Escape");
    await saved(page);

    // The same notebook, changed in another window: this window's next save is refused with a choice.
    const other = await page.context().newPage();
    await other.goto(page.url());
    await other.getByLabel("Notebook title").fill(`Theirs ${tag}`);
    await saved(other);
    await page.getByLabel("Notebook title").fill(`Mine ${tag}`);
    const dialog = page.getByRole("dialog", { name: "This notebook was changed by someone else" });
    await expect(dialog).toBeVisible();
    await expect(page.locator(".save-status")).toContainText("Not saved");
    await dialog.getByRole("button", { name: "Compare to overwrite…" }).click();
    await expect(dialog.getByRole("region", { name: "Differences" })).toContainText(`Theirs ${tag}`);
    await dialog.getByRole("button", { name: "Overwrite with mine" }).click();
    await saved(page);
    await other.reload();
    await expect(other.getByLabel("Notebook title")).toHaveValue(`Mine ${tag}`);
    await expect(other.getByRole("region", { name: /^Cell \d+/ })).toHaveCount(3);
    await other.close();
  });

  test("imports up to 16 MiB with a clear answer past it, from the page and from a direct request", async ({
    page,
  }) => {
    const tag = `imp${Date.now()}`;
    await page.goto("/notebooks");
    const input = page.getByLabel("Import .ipynb or .sql…");

    // Over the limit: the page refuses before sending a byte.
    await input.setInputFiles({ name: "huge.sql", mimeType: "text/plain", buffer: Buffer.alloc(17 * 1024 * 1024, 32) });
    await expect(page.locator(".new-notebook").getByRole("alert")).toHaveText(
      "The file is 17.8 MB, over the import limit of 16.8 MB. Split it into several notebooks to import it.",
    );

    // A request that skips the page is stopped by the server at the limit, with the same message.
    const direct = await page.request.post("/api/notebooks/import?filename=huge.sql&connection=builtin", {
      data: Buffer.alloc(17 * 1024 * 1024, 32),
      headers: { "Content-Type": "application/octet-stream", Origin: new URL(page.url()).origin },
    });
    expect(direct.status()).toBe(413);
    expect(await direct.json()).toEqual({
      ok: false,
      error: "The file is 17.8 MB, over the import limit of 16.8 MB. Split it into several notebooks to import it.",
      code: "invalid",
    });

    // From another site: refused before anything is read.
    const crossSite = await page.request.post("/api/notebooks/import?filename=a.sql&connection=builtin", {
      data: "SELECT 1",
      headers: { "Content-Type": "application/octet-stream", Origin: "https://evil.example" },
    });
    expect(crossSite.status()).toBe(403);

    // A file that makes a notebook too large to save: read whole, refused with why.
    const cells = Array.from({ length: 300 }, () => ({ cell_type: "code", source: `%sql\n${"x".repeat(32 * 1024)}` }));
    await input.setInputFiles({
      name: "many.ipynb",
      mimeType: "application/x-ipynb+json",
      buffer: Buffer.from(JSON.stringify({ nbformat: 4, metadata: {}, cells })),
    });
    await expect(page.locator(".new-notebook").getByRole("alert")).toContainText("a notebook holds at most 8,388,608");

    // JSON's \u0000 is a NUL once parsed: refused, nothing created.
    await input.setInputFiles({
      name: `${tag}.ipynb`,
      mimeType: "application/x-ipynb+json",
      buffer: Buffer.from(
        JSON.stringify({ nbformat: 4, metadata: {}, cells: [{ cell_type: "code", source: "%sql\nSELECT '\u0000'" }] }),
      ),
    });
    await expect(page.locator(".new-notebook").getByRole("alert")).toContainText("NUL character");
    await expect(page.getByRole("link", { name: tag })).toHaveCount(0);

    // The largest notebook that can be saved (8 MiB of cells in a 16 MiB-limit file) imports and opens.
    const largest = Array.from({ length: 4 }, (_, i) => ({
      cell_type: "code",
      source: `%sql\nSELECT ${i + 1} AS n -- ${"x".repeat(2 * 1024 * 1024 - 40)}`,
    }));
    await input.setInputFiles({
      name: `${tag}.ipynb`,
      mimeType: "application/x-ipynb+json",
      buffer: Buffer.from(JSON.stringify({ nbformat: 4, metadata: {}, cells: largest })),
    });
    await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("region", { name: /^Cell \d+ \(SQL\)$/ })).toHaveCount(4);
    await expect(cell(page, 1)).toContainText("SELECT 1 AS n");
    await page.screenshot({ path: "test-results/notebook-imported-largest.png" });
  });
});
