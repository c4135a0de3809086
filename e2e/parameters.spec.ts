import fs from "node:fs";
import { expect, focusEditor, gridRows, newTab, resultStatus, test, typeSql } from "./support/app";

const HOSTILE = "O'Brien'; DROP TABLE x; --";

test("parameters get widgets, a bad date is refused, and the result says the values it ran with", async ({
  app: page,
}) => {
  await page.goto("/");
  await newTab(page);
  await typeSql(
    page,
    [
      "-- :not_me in a comment, ':nor_me' in a string, x::int a cast",
      "SELECT :start_date + 1 AS next_day, :n * 2 AS n2, :who AS who, id, ':nor_me' AS s",
      "FROM (VALUES (1), (2), (3)) AS v(id)",
      "WHERE id IN (:ids)",
      "ORDER BY id",
    ].join("\n"),
  );
  const bar = page.getByRole("group", { name: "Parameters" });
  await expect(bar.locator("[data-parameter]")).toHaveCount(4);
  await expect(bar.locator("[data-parameter]")).toHaveText([/:start_date/, /:n/, /:who/, /:ids/]);

  // A date widget refuses what is not a date, with a message, and the run does not start.
  await bar.getByLabel("Type of :start_date").selectOption("date");
  const date = bar.getByLabel("Value of :start_date");
  await date.fill("2024-02-30");
  await expect(bar.locator('[data-parameter="start_date"] .parameter-problem')).toHaveText(
    '"2024-02-30" is not a date (YYYY-MM-DD).',
  );
  await expect(date).toHaveAttribute("aria-invalid", "true");

  await bar.getByLabel("Type of :n").selectOption("number");
  await bar.getByLabel("Value of :n").fill("abc");
  await expect(bar.locator('[data-parameter="n"] .parameter-problem')).toContainText("is not a number");
  await bar.getByLabel("Value of :n").fill("21");
  await expect(bar.locator('[data-parameter="n"] .parameter-problem')).toHaveCount(0);

  await bar.getByLabel("Value of :who").fill(HOSTILE);

  await bar.getByLabel("Type of :ids").selectOption("multi");
  await bar.locator('[data-parameter="ids"] summary').click();
  await bar.getByLabel("Choices of :ids, one per line").fill("1\n2\n3");
  await bar.getByLabel("Choices of :ids, one per line").blur();
  await bar.getByLabel("Values of :ids").selectOption(["1", "3"]);

  await page.getByRole("button", { name: "▶ Run" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Parameter :start_date" })).toContainText("is not a date");
  await expect(resultStatus(page)).toHaveCount(0);
  await bar.screenshot({ path: "test-results/parameter-bar-refused.png" });

  await date.fill("2024-02-29");
  await expect(bar.locator('[data-parameter="start_date"] .parameter-problem')).toHaveCount(0);
  await bar.screenshot({ path: "test-results/parameter-bar.png" });

  await page.getByRole("button", { name: "▶ Run" }).click();
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect(await gridRows(page)).toEqual([
    ["2024-03-01", "42", HOSTILE, "1", ":nor_me"],
    ["2024-03-01", "42", HOSTILE, "3", ":nor_me"],
  ]);
  const ranWith = page.getByTestId("ran-with");
  await expect(ranWith).toContainText(":start_date = 2024-02-29");
  await expect(ranWith).toContainText(":n = 21");
  await expect(ranWith).toContainText(`:who = ${HOSTILE}`);
  await expect(ranWith).toContainText(":ids = 1, 3");
  await page.screenshot({ path: "test-results/parameters.png" });

  // The widgets are kept with the tab's draft: after a reload they come back as they were.
  await page.waitForTimeout(1_500); // the draft is saved 400 ms after the last change
  await page.reload();
  const again = page.getByRole("group", { name: "Parameters" });
  await expect(again.getByLabel("Value of :start_date")).toHaveValue("2024-02-29");
  await expect(again.getByLabel("Type of :n")).toHaveValue("number");
  await expect(again.getByLabel("Value of :who")).toHaveValue(HOSTILE);
  await expect(page.getByTestId("ran-with")).toContainText(":ids = 1, 3");

  // History shows the values, and reopens the run with them.
  await page.goto("/history");
  const entry = page.locator("tr[data-run-id]").filter({ hasText: ":start_date + 1 AS next_day" }).first();
  await expect(entry.getByTestId("ran-with")).toContainText(":n = 21");
  await expect(entry.getByTestId("ran-with")).toContainText(":ids = 1, 3");
  await page.screenshot({ path: "test-results/history-parameters.png" });
  await entry.getByRole("button", { name: "Open in editor" }).click();
  await page.waitForURL(/\/\?tab=/);
  const reopened = page.getByRole("group", { name: "Parameters" });
  await expect(reopened.getByLabel("Value of :start_date")).toHaveValue("2024-02-29");
  await expect(reopened.getByLabel("Value of :who")).toHaveValue(HOSTILE);
  await expect(reopened.getByLabel("Values of :ids")).toHaveValues(["1", "3"]);
});

test("a dropdown filled from another saved query, saved with the query", async ({ app: page }) => {
  const suffix = Date.now().toString(36);
  await page.goto("/");
  await newTab(page);
  await typeSql(page, "SELECT p FROM (VALUES ('CSH'), ('CRD'), ('NOC')) AS t(p)");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByLabel("Title", { exact: true }).fill(`Payment types ${suffix}`);
  await page.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);

  await newTab(page);
  await typeSql(page, "SELECT :payment AS p, :day AS d");
  const bar = page.getByRole("group", { name: "Parameters" });
  await bar.getByLabel("Type of :payment").selectOption("query");
  await bar.getByLabel("Query of :payment").selectOption({ label: `Payment types ${suffix}` });
  const payment = bar.getByLabel("Value of :payment");
  await expect(payment.locator("option")).toHaveText(["CSH", "CRD", "NOC"]);
  await payment.selectOption("CRD");
  await bar.getByLabel("Type of :day").selectOption("date");
  await bar.getByLabel("Value of :day").fill("2024-05-01");
  await page.getByRole("button", { name: "▶ Run" }).click();
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect(await gridRows(page)).toEqual([["CRD", "2024-05-01"]]);
  await expect(page.getByTestId("ran-with")).toContainText(":payment = CRD, :day = 2024-05-01");
  await bar.screenshot({ path: "test-results/parameter-bar-query.png" });

  // The widgets are saved with the query, as its defaults.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByLabel("Title", { exact: true }).fill(`Uses payment ${suffix}`);
  await page.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
  await page.reload();
  const saved = page.getByRole("group", { name: "Parameters" });
  await expect(saved.getByLabel("Type of :payment")).toHaveValue("query");
  await expect(saved.getByLabel("Value of :payment")).toHaveValue("CRD");
  await expect(saved.getByLabel("Value of :day")).toHaveValue("2024-05-01");
});

test("a notebook's parameters are shared by its cells and saved with it", async ({ app: page }) => {
  const tag = `nbp_${Date.now().toString(36)}`;
  await page.goto("/notebooks");
  await page.getByRole("button", { name: "New notebook" }).click();
  await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  await page.getByLabel("Notebook title").fill(`Parameters ${tag}`);
  const cell = (n: number) => page.getByRole("region", { name: new RegExp(`^Cell ${n} \\(SQL\\)$`) });
  await focusEditor(cell(1));
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(`SELECT :day + 1 AS next_day -- ${tag}`);
  await page.getByRole("button", { name: "+ SQL cell" }).click();
  await page.keyboard.insertText(`SELECT :day AS same_day, :n AS n -- ${tag}`);

  const bar = page.getByRole("group", { name: "Parameters" });
  await expect(bar.locator("[data-parameter]")).toHaveText([/:day/, /:n/]);
  await bar.getByLabel("Type of :day").selectOption("date");
  await bar.getByLabel("Value of :day").fill("2024-13-01");
  await page.getByRole("button", { name: "▶ Run all" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Parameter :day" })).toContainText("is not a date");
  await bar.getByLabel("Value of :day").fill("2024-12-31");
  await bar.getByLabel("Value of :n").fill("7");
  await page.getByRole("button", { name: "▶ Run all" }).click();
  await expect(cell(1).locator(".result-bar .status")).toHaveText("Succeeded");
  await expect(cell(2).locator(".result-bar .status")).toHaveText("Succeeded");
  await expect(cell(1).getByRole("grid", { name: "Query result" })).toContainText("2025-01-01");
  await expect(cell(2).getByTestId("ran-with")).toContainText(":day = 2024-12-31, :n = 7");
  await expect(page.locator(".save-status")).toHaveText("All changes saved");
  await page.screenshot({ path: "test-results/notebook-parameters.png" });

  await page.reload();
  const again = page.getByRole("group", { name: "Parameters" });
  await expect(again.getByLabel("Type of :day")).toHaveValue("date");
  await expect(again.getByLabel("Value of :day")).toHaveValue("2024-12-31");

  // The .sql export starts with a command of Databricks widgets, and an import reads them back.
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("menu").getByRole("menuitem", { name: "SQL file (.sql)" }).click(),
  ]);
  const text = fs.readFileSync(await download.path(), "utf8");
  const commands = text.split("\n\n-- COMMAND ----------\n\n");
  expect(commands).toHaveLength(3);
  expect(commands[0]).toContain("CREATE WIDGET TEXT day DEFAULT '2024-12-31';");
  expect(commands[0]).toContain("CREATE WIDGET TEXT n DEFAULT '7';");
  expect(commands[1]).toBe(`SELECT :day + 1 AS next_day -- ${tag}`);
  await page.goto("/notebooks");
  await page.getByLabel("Import .ipynb or .sql…").setInputFiles({
    name: `${tag}.sql`,
    mimeType: "application/sql",
    buffer: Buffer.from(text),
  });
  await expect(page).toHaveURL(/\/notebooks\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("region", { name: /^Cell \d+/ })).toHaveCount(2);
  const imported = page.getByRole("group", { name: "Parameters" });
  await expect(imported.getByLabel("Type of :day")).toHaveValue("date");
  await expect(imported.getByLabel("Value of :day")).toHaveValue("2024-12-31");
  await expect(imported.getByLabel("Value of :n")).toHaveValue("7");
});

test("back-quoted parameter names get widgets and bind, a value with a quote in it changes nothing but the value", async ({
  app: page,
}) => {
  await page.goto("/");
  await newTab(page);
  await typeSql(page, "SELECT :`start date` + 1 AS next_day, :`it``s` AS v, :`Start Date` AS same");
  const bar = page.getByRole("group", { name: "Parameters" });
  await expect(bar.locator("[data-parameter]")).toHaveText([/:`start date`/, /:`it``s`/]);
  await bar.getByLabel("Type of :`start date`").selectOption("date");
  await bar.getByLabel("Value of :`start date`").fill("2024-02-29");
  await bar.getByLabel("Value of :`it``s`").fill(HOSTILE);
  await page.getByRole("button", { name: "▶ Run" }).click();
  await expect(resultStatus(page)).toHaveText("Succeeded");
  expect(await gridRows(page)).toEqual([["2024-03-01", HOSTILE, "2024-02-29"]]);
  await expect(page.getByTestId("ran-with")).toContainText(`:\`start date\` = 2024-02-29, :\`it\`\`s\` = ${HOSTILE}`);
  await bar.screenshot({ path: "test-results/parameter-bar-quoted.png" });
});
