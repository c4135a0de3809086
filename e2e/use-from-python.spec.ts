import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { startTestWarehouse, type TestWarehouse, WAREHOUSE_NAMES } from "../tests/support/databricks-warehouse";
import { sharedCertificate } from "../tests/support/databricks-warehouse/certificate";
import { runProcess } from "../tests/support/run-process";
import { expect, focusEditor, newTab, test, typeSql } from "./support/app";
import { E2E_WAREHOUSE_TLS_DIR } from "./support/constants";

/**
 * "Use from Python" on a saved query, a notebook cell and a Databricks
 * connection: the snippets name the results URL with the parameter bar's
 * values and the environment variable, never a secret; Copy puts the code on
 * the clipboard; the Databricks tabs appear only for Databricks; and the Node
 * snippet copied from a connection runs as pasted against the test warehouse.
 */
let warehouse: TestWarehouse;
const suffix = Date.now().toString(36);

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 100, certificateDir: E2E_WAREHOUSE_TLS_DIR });
});
test.afterAll(async () => warehouse?.close());
test.describe.configure({ mode: "serial" });

const LAKEBOOK_TABS = ["pandas", "polars", "requests"];
const DATABRICKS_TABS = ["Databricks connector", "SQLAlchemy", "Node"];

async function tabsOf(dialog: Locator): Promise<string[]> {
  return dialog.getByRole("tablist", { name: "Library" }).getByRole("tab").allInnerTexts();
}

/** Copies the shown snippet with its Copy button and reads the clipboard back. */
async function copied(page: Page, dialog: Locator): Promise<string> {
  await dialog.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(dialog.getByRole("status")).toHaveText("Copied to the clipboard");
  return page.evaluate(() => navigator.clipboard.readText());
}

test("a saved query's panel gives the results URL with the bar's values, the token's variable and no secret; Copy copies it", async ({
  app: page,
}) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");
  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: "Built-in warehouse (DuckDB)" });
  const title = `Trips on a day ${suffix}`;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the SQL carries a `${` on purpose
  await typeSql(page, 'SELECT :day AS day, \'a"""b\' AS quotes -- ${x} \\ end');
  const bar = page.getByRole("group", { name: "Parameters" });
  await bar.getByLabel("Type of :day").selectOption("date");
  await bar.getByLabel("Value of :day").fill("2024-02-29");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
  const queryId = page.url().split("/").pop();

  // The bar's current value, not only the saved default, goes into the URL.
  await bar.getByLabel("Value of :day").fill("2024-03-01");
  await page.locator(".query-bar").screenshot({ path: "test-results/use-from-python-bar.png" });
  await page.getByRole("button", { name: "Use from Python" }).click();
  const dialog = page.getByRole("dialog", { name: "Use from Python" });
  expect(await tabsOf(dialog)).toEqual(LAKEBOOK_TABS);
  await expect(dialog.getByRole("link", { name: "your account" })).toHaveAttribute("href", "/account");
  await expect(dialog.getByRole("tabpanel")).toContainText("Set LAKEBOOK_TOKEN to a token you create under");
  const origin = new URL(page.url()).origin;
  const pandas = await copied(page, dialog);
  expect(pandas).toContain(`url = "${origin}/api/v1/queries/${queryId}/results.csv?p.day=2024-03-01"`);
  expect(pandas).toContain("os.environ['LAKEBOOK_TOKEN']");
  expect(pandas).toContain(`# The saved query "${title}"`);
  expect(pandas).not.toMatch(/lkb_|dapi|Bearer [^{]/);
  await dialog.screenshot({ path: "test-results/use-from-python-query.png" });

  await dialog.getByRole("tab", { name: "requests" }).click();
  const requests = await copied(page, dialog);
  expect(requests).toContain('"p.day": "2024-03-01"');
  expect(requests).toContain('open("result.csv", "wb")');
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
});

test("a notebook cell's menu offers the snippets for its SQL, sent as a statement", async ({ app: page }) => {
  await page.goto("/notebooks");
  await page.getByRole("button", { name: "New notebook" }).click();
  await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  await page.getByLabel("Notebook title").fill(`Python ${suffix}`);
  // A new notebook starts with one empty SQL cell.
  await focusEditor(page.getByRole("region", { name: "Cell 1 (SQL)" }));
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText("SELECT 42 AS answer");
  await page.getByLabel("More actions for cell 1").click();
  await page.getByRole("menuitem", { name: "Use from Python" }).click();
  const dialog = page.getByRole("dialog", { name: "Use from Python" });
  expect(await tabsOf(dialog)).toEqual(LAKEBOOK_TABS);
  const code = await dialog.getByRole("tabpanel").locator("pre").textContent();
  expect(code).toContain('sql = """SELECT 42 AS answer"""');
  expect(code).toContain('f"{base}/api/v1/statements"');
  expect(code).toContain('"connection": "builtin"');
  await dialog.screenshot({ path: "test-results/use-from-python-cell.png" });
});

test("a Databricks connection offers the direct snippets only, and the Node one runs as pasted", async ({
  app: page,
}) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = `Python warehouse ${suffix}`;
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByRole("textbox", { name: "Personal access token" }).fill(warehouse.token);
  await form.getByRole("button", { name: "Save" }).click();
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toBeVisible();
  // The built-in warehouse has no direct snippet: it is reached through Lakebook only.
  await expect(page.getByRole("button", { name: "Use Built-in warehouse (DuckDB) from Python" })).toHaveCount(0);

  await page.getByRole("table", { name: "Connections" }).screenshot({ path: "test-results/use-from-python-row.png" });
  await row.getByRole("button", { name: `Use ${name} from Python` }).click();
  const dialog = page.getByRole("dialog", { name: "Use from Python" });
  expect(await tabsOf(dialog)).toEqual(DATABRICKS_TABS);
  await expect(dialog.getByRole("tabpanel")).toContainText("Set DATABRICKS_TOKEN to a personal access token");
  const connector = await copied(page, dialog);
  expect(connector).toContain('server_hostname="localhost"');
  expect(connector).toContain(`http_path="${warehouse.path}"`);
  expect(connector).toContain('access_token=os.environ["DATABRICKS_TOKEN"]');
  expect(connector).toContain('query = """SELECT 1"""');
  expect(connector).not.toContain(warehouse.token);
  expect(connector).not.toContain(warehouse.token.slice(-4));
  await dialog.screenshot({ path: "test-results/use-from-python-connection.png" });

  await dialog.getByRole("tab", { name: "Node" }).click();
  const node = await copied(page, dialog);
  expect(node).not.toContain(warehouse.token);
  await dialog.screenshot({ path: "test-results/use-from-python-node.png" });
  // Pasted into a file of a project that has @databricks/sql, with the token in the environment.
  const file = path.join(process.cwd(), `.lakebook-e2e-snippet-${suffix}.mjs`);
  fs.writeFileSync(file, node);
  try {
    const { certFile } = sharedCertificate(E2E_WAREHOUSE_TLS_DIR, WAREHOUSE_NAMES);
    const env = { PATH: process.env.PATH, DATABRICKS_TOKEN: warehouse.token, NODE_EXTRA_CA_CERTS: certFile };
    const result = await runProcess(process.execPath, [file], { env, cwd: process.cwd() });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│\s+0\s+│\s+1\s+│/);
  } finally {
    fs.rmSync(file, { force: true });
  }

  // The connection goes with the test warehouse.
  await dialog.getByRole("button", { name: "Close" }).click();
  page.once("dialog", (confirm) => void confirm.accept());
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  await expect(row).toHaveCount(0);
});
