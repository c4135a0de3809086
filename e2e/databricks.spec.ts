import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { csvLine } from "@/lib/csv";
import { startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import {
  expect,
  firstCell,
  focusEditor,
  gridRows,
  leaveTabsOnBuiltin,
  newTab,
  resultStatus,
  runSql,
  test,
  typeSql,
} from "./support/app";
import { ADMIN, E2E_WAREHOUSE_TLS_DIR, E2E_WAREHOUSE_TRIPS_ROWS } from "./support/constants";
import { trueResult } from "./support/truth";

/**
 * The real @databricks/sql driver, inside the app, talking HTTPS to a test
 * warehouse that speaks the Databricks SQL Thrift protocol.
 */
let warehouse: TestWarehouse;

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: E2E_WAREHOUSE_TRIPS_ROWS, certificateDir: E2E_WAREHOUSE_TLS_DIR });
});

test.afterAll(async ({ browser }) => {
  await leaveTabsOnBuiltin(browser);
  await warehouse?.close();
});

test.describe.configure({ mode: "serial" });

test("an admin adds a Databricks connection, tests it with a bad and a good token, and the secret stays hidden", async ({
  app: page,
}) => {
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill("Test warehouse");
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByRole("textbox", { name: "Personal access token" }).fill("dapi-not-the-right-token");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("rejected the credentials (HTTP 401)");

  await form.getByLabel("HTTP path").fill("/sql/1.0/warehouses/nope");
  await form.getByRole("textbox", { name: "Personal access token" }).fill(warehouse.token);
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("HTTP 404");

  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("Connected");
  await form.getByRole("button", { name: "Save" }).click();

  const row = page.getByRole("row", { name: /Test warehouse/ });
  await expect(row).toContainText(`localhost${warehouse.path}`);
  await expect(page.locator("body")).not.toContainText(warehouse.token);
  await row.getByRole("button", { name: "Edit Test warehouse" }).click();
  const edit = page.getByRole("form", { name: "Edit Test warehouse" });
  await expect(edit.getByRole("textbox", { name: "Personal access token" })).toHaveValue("");
  await expect(edit.getByRole("textbox", { name: "Personal access token" })).toHaveAttribute(
    "placeholder",
    `Stored (ends in ${warehouse.token.slice(-4)}); type to replace`,
  );
  expect(await page.content()).not.toContain(warehouse.token);
  await edit.getByRole("button", { name: "Cancel" }).click();
  await row.getByRole("button", { name: "Test Test warehouse" }).click();
  await expect(row.getByRole("status")).toContainText("Connected");
});

test("an admin adds a service principal (OAuth M2M) connection through the form; its statements carry the principal's token and name Lakebook", async ({
  app: page,
}) => {
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = page.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill("Service principal warehouse");
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  await form.getByLabel("Authentication").selectOption({ label: "OAuth, service principal (M2M)" });
  await form.getByLabel("Client ID").fill(warehouse.oauth.clientId);
  await form.getByRole("textbox", { name: "Client secret" }).fill("not-the-secret");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("invalid_client");
  await form.getByRole("textbox", { name: "Client secret" }).fill(warehouse.oauth.clientSecret);
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("Connected");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Service principal warehouse/ })).toBeVisible();
  expect(await page.content()).not.toContain(warehouse.oauth.clientSecret);

  await page.goto("/");
  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: "Service principal warehouse" });
  await runSql(page, "SELECT 6 * 7 AS answer");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expect(firstCell(page)).toHaveText("42");
  const sent = warehouse.stats().statementCallers.filter((s) => s.statement === "SELECT 6 * 7 AS answer");
  expect(sent).toHaveLength(1);
  expect(sent[0].credential).toBe("oauth");
  expect(sent[0].userAgent).toMatch(/\(Lakebook\/\d+\.\d+\.\d+;/);
  expect(sent[0].queryTags).toContain(`lakebook_member:${ADMIN.email}`);
});

test("a query on the warehouse pages and downloads exactly; its schema can be browsed", async ({ app: page }) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  const schema = page.getByRole("complementary", { name: "Schema browser" });
  await schema.getByRole("button", { name: "Expand samples" }).click();
  await schema.getByRole("button", { name: "Expand nyctaxi" }).click();
  await schema.getByRole("button", { name: "Expand trips" }).click();
  await expect(schema.getByText("tpep_pickup_datetime")).toBeVisible();

  const sql = "SELECT * FROM samples.nyctaxi.trips ORDER BY trip_id";
  const truth = await trueResult(sql, E2E_WAREHOUSE_TRIPS_ROWS);
  await runSql(page, sql);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expect(page.locator(".result-bar")).toContainText("20,000 rows");
  await expect(firstCell(page)).toHaveText("9007199254740993");
  const header = page.getByRole("grid", { name: "Query result" }).locator("thead");
  await expect(header.getByRole("button", { name: /fare_amount\s*DECIMAL\(10,2\)/ })).toBeVisible();

  await page.getByRole("button", { name: "Last page" }).click();
  await expect(firstCell(page)).toHaveText(truth.rows[19_900][0] ?? "");
  const last = await gridRows(page);
  expect(last.map((r) => r[0])).toEqual(truth.rows.slice(19_900).map((r) => r[0]));

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const text = fs.readFileSync(await download.path(), "utf8");
  const expected = csvLine(truth.columns) + truth.rows.map((r) => csvLine(r)).join("");
  expect(text === expected).toBe(true);
  expect(warehouse.stats().openOperations).toBe(0);
});

test("exact types survive the driver: BIGINT, DECIMAL(38,10), microsecond TIMESTAMP", async ({ app: page }) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  await runSql(page, "SELECT big_id, amount, happened_at FROM samples.demo.tricky_values ORDER BY id");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  const rows = await gridRows(page);
  expect(rows[0]).toEqual([
    "9007199254740993",
    "1234567890123456789012345678.0123456789",
    "2024-02-29 23:59:59.999999",
  ]);
  expect(rows[1]).toEqual([
    "-9223372036854775808",
    "-9999999999999999999999999999.9999999999",
    "1970-01-01 00:00:00.000001",
  ]);
});

test("parameters reach the warehouse as markers, with their values sent apart", async ({ app: page }) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  const hostile = "O'Brien'; DROP TABLE main.default.x; --";
  await typeSql(page, "SELECT :who AS who, :day AS d");
  const bar = page.getByRole("group", { name: "Parameters" });
  await bar.getByLabel("Value of :who").fill(hostile);
  await bar.getByLabel("Type of :day").selectOption("date");
  await bar.getByLabel("Value of :day").fill("2024-02-29");
  await page.getByRole("button", { name: "▶ Run" }).click();
  // The tab showed the previous test's result until this one's comes.
  await expect(page.getByTestId("ran-with")).toContainText(`:who = ${hostile}, :day = 2024-02-29`);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect(await gridRows(page)).toEqual([[hostile, "2024-02-29"]]);
  const sent = warehouse.stats().statementParameters.filter((s) => s.statement === "SELECT :who AS who, :day AS d");
  expect(sent.at(-1)?.parameters).toEqual([
    { name: "who", type: "STRING", value: hostile },
    { name: "day", type: "DATE", value: "2024-02-29" },
  ]);
});

test("USE SCHEMA and SET in one tab hold for its next runs and are not seen in another tab", async ({ app: page }) => {
  await page.goto("/");
  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  const place = page.locator(".session-place");
  // (The test warehouse is DuckDB underneath: a DuckDB session setting shows in the rows.)
  await runSql(page, "USE CATALOG samples;\nUSE SCHEMA nyctaxi;\nSET SESSION default_null_order = 'nulls_first'");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await expect(place).toHaveText("In samples.nyctaxi · 1 setting");
  await expect(place.locator(".session-settings")).toHaveAttribute("title", /SET SESSION default_null_order/);
  // The schema browser opens where the tab is.
  const schema = page.getByRole("complementary", { name: "Schema browser" });
  await expect(schema.getByRole("button", { name: "trips", exact: true })).toBeVisible();
  const order = "SELECT count(*) AS n, NULL AS x FROM trips UNION ALL SELECT 1, 1 ORDER BY x";
  await runSql(page, order);
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect((await gridRows(page))[0]).toEqual([String(E2E_WAREHOUSE_TRIPS_ROWS), "NULL"]);

  await newTab(page);
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  await expect(place).toHaveCount(0);
  await runSql(page, "SELECT count(*) AS n FROM trips");
  await expect(resultStatus(page)).toHaveText("Failed");
  await runSql(page, order.replace("FROM trips", "FROM samples.nyctaxi.trips"));
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect((await gridRows(page))[0]).toEqual(["1", "1"]);
});

test("a SQL error shows the warehouse's message and SQL state", async ({ app: page }) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  await runSql(page, "SELECT no_such_column FROM samples.nyctaxi.trips");
  await expect(resultStatus(page)).toHaveText("Failed");
  await expect(page.locator(".error-panel")).toContainText("no_such_column");
  await expect(page.locator(".error-panel")).toContainText("SQLSTATE 42703");
});

test("a warehouse error is marked at its line and column, in the statement of a script where it happened", async ({
  app: page,
}) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  await runSql(page, "SELECT 1 AS first;\nSELECT trip_id,\n       no_such_column\nFROM samples.nyctaxi.trips");
  await expect(page.locator(".error-panel")).toContainText("at line 3, column 8");
  await expect(page.locator(".error-panel")).toContainText("SQLSTATE 42703");
  await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(1);
  const tabs = page.getByRole("tablist", { name: "Statement results" }).getByRole("tab");
  await expect(tabs).toHaveCount(2);
  await expect(tabs.nth(1)).toContainText("failed");
});

test("Cancel cancels the statement on the warehouse", async ({ app: page }) => {
  await page.goto("/");
  await page.getByLabel("Connection").selectOption({ label: "Test warehouse" });
  const sql = "SELECT count(*) FROM range(50000000000) t(i) WHERE i % 7 = 3";
  await runSql(page, sql);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeEnabled();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(resultStatus(page)).toHaveText("Cancelled");
  await expect
    .poll(() => warehouse.stats().cancelledStatements.some((s) => s.includes("range(50000000000)")))
    .toBe(true);
  await expect.poll(() => warehouse.stats().runningStatements).toBe(0);
});

test("a notebook on the warehouse exports for Jupyter straight to it, with its stored result and no secret", async ({
  app: page,
}) => {
  await page.goto("/notebooks");
  await page.getByRole("button", { name: "New notebook" }).click();
  await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  await page.getByLabel("Notebook title").fill("Warehouse for Jupyter");
  await page.getByRole("combobox", { name: "Connection", exact: true }).selectOption({ label: "Test warehouse" });
  const first = page.getByRole("region", { name: "Cell 1 (SQL)" });
  await focusEditor(first);
  // The new notebook's first cell holds an example: replaced.
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText("SELECT trip_id, fare_amount FROM samples.nyctaxi.trips ORDER BY trip_id LIMIT 3");
  await expect(page.locator(".save-status")).toHaveText("All changes saved");
  await first.getByRole("button", { name: "Run cell 1" }).click();
  await expect(first.locator(".result-bar .status")).toHaveText("Succeeded");
  const shown = await gridRows(page);
  expect(shown).toHaveLength(3);

  await page.locator("summary", { hasText: "Export" }).click();
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem")).toHaveText([
    "Jupyter notebook, runs through Lakebook (.ipynb)",
    "Jupyter notebook, connects to the Databricks warehouse (.ipynb)",
    "Databricks notebook (.ipynb)",
    "SQL file (.sql)",
  ]);
  await page.screenshot({
    path: "test-results/notebook-export-menu-databricks.png",
    clip: { x: 0, y: 0, width: 1400, height: 360 },
  });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    menu.getByRole("menuitem", { name: "Jupyter notebook, connects to the Databricks warehouse (.ipynb)" }).click(),
  ]);
  const text = fs.readFileSync(await download.path(), "utf8");
  expect(text).not.toContain(warehouse.token);
  execFileSync(
    "/usr/bin/python3",
    ["-c", "import nbformat,sys; nbformat.validate(nbformat.reads(sys.stdin.read(), as_version=4))"],
    {
      input: text,
    },
  );
  const [connect, sql] = JSON.parse(text).cells;
  const python: string = connect.source.join("");
  expect(python).toContain('host="localhost"');
  // databricks-sqlalchemy ignores a port in the URL: the test warehouse's port reaches the connector in connect_args.
  expect(python).toContain(`connect_args={"_port": ${warehouse.port}},`);
  expect(python).not.toContain("port=");
  expect(python).toContain(`"http_path": ${JSON.stringify(warehouse.path)}`);
  expect(python).toContain('password=os.environ["DATABRICKS_TOKEN"]');
  // The connect cell is Python that parses (IPython's % lines aside).
  execFileSync(
    "/usr/bin/python3",
    ["-c", "import ast,sys; ast.parse(''.join('\\n' if l.startswith('%') else l for l in sys.stdin.readlines()))"],
    {
      input: python,
    },
  );
  expect(sql.source[0]).toBe("%%sql\n");
  // The stored result is the cell's output: the same values as the grid.
  const lines: string[] = sql.outputs[0].data["text/plain"].split("\n");
  expect(lines[0].split(/ +/)).toEqual(["trip_id", "fare_amount"]);
  expect(lines.slice(1, 4).map((line) => line.split(/ {2,}/))).toEqual(shown);
  expect(lines.slice(4)).toEqual(["", "Showing 3 of 3 rows.", ""]);
});
