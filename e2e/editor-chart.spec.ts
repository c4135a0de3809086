import { callAction } from "./support/actions";
import { expect, gridRows, newTab, resultStatus, test, typeSql } from "./support/app";
import { signUpMember } from "./support/members";

const SQL =
  "SELECT payment_type, count(*) AS trips, avg(tip_amount) AS avg_tip\nFROM samples.nyctaxi.trips GROUP BY 1 ORDER BY 2 DESC";

test.describe("a chart in the editor", () => {
  test("made in the editor, saved with the query, seen by a teammate with Can view over the last result", async ({
    app: ada,
    browser,
  }) => {
    test.setTimeout(120_000);
    const suffix = Date.now().toString(36);
    const title = `Trips by payment ${suffix}`;
    const bea = await signUpMember(ada, browser, `Bea ${suffix}`, `bea-${suffix}@example.com`);

    // Ada runs a query and switches its result to a chart: a first bar chart, which she edits.
    await ada.goto("/");
    await newTab(ada);
    await ada.getByLabel("Connection").selectOption({ label: "Built-in warehouse (DuckDB)" });
    await typeSql(ada, SQL);
    await ada.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(ada)).toHaveText("Succeeded");
    const views = ada.getByRole("tablist", { name: "Result view" });
    await views.getByRole("tab", { name: "Chart" }).click();
    const chart = ada.getByRole("img", { name: /Bar chart/ });
    await expect(chart).toBeVisible();
    await expect(chart.locator(".recharts-bar-rectangle")).toHaveCount(4);
    await expect(ada.getByLabel("X axis")).toHaveValue("payment_type");
    await ada.getByRole("checkbox", { name: "avg_tip" }).check();
    await expect(
      ada.getByRole("img", { name: "Bar chart of sum of trips, sum of avg_tip by payment_type" }),
    ).toBeVisible();
    await ada.getByRole("checkbox", { name: "avg_tip" }).uncheck();
    await expect(ada.getByRole("img", { name: "Bar chart of sum of trips by payment_type" })).toBeVisible();

    // She saves: the chart goes with the query.
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByLabel("Title", { exact: true }).fill(title);
    await ada.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
    await expect(ada).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
    const link = ada.url();
    const status = ada.locator(".draft-status");
    await expect(status).toHaveText("Version 1");
    await ada.setViewportSize({ width: 1400, height: 900 });
    await ada.locator(".main").screenshot({ path: "test-results/editor-chart.png" });

    // A change of chart is an unsaved change; changing it back is not.
    await ada.getByLabel("Chart type").selectOption("pie");
    await expect(ada.getByRole("img", { name: /Pie chart/ })).toBeVisible();
    await expect(status).toHaveText("Unsaved changes");
    await ada.getByLabel("Chart type").selectOption("bar");
    await expect(status).toHaveText("Version 1");

    // After a reload the tab opens on its chart.
    await ada.reload();
    await expect(ada.getByRole("img", { name: "Bar chart of sum of trips by payment_type" })).toBeVisible();

    // She shares it with Bea at Can view.
    await ada.getByRole("button", { name: "Share" }).click();
    const share = ada.getByRole("dialog", { name: "Sharing" });
    await share.getByLabel("Add people or groups").fill("Bea");
    await share.getByRole("button", { name: new RegExp(`Bea ${suffix}`) }).click();
    await share.getByLabel("Access level").selectOption("view");
    await share.getByRole("button", { name: "Share", exact: true }).click();
    await expect(share.getByLabel(`Access for Bea ${suffix}`)).toHaveValue("view");
    await share.getByRole("button", { name: "Close" }).click();

    // Bea opens the link: the chart over Ada's last result, without running anything, and no chart settings.
    await bea.goto(link);
    await expect(bea.getByText("Can view", { exact: true })).toBeVisible();
    await expect(bea.getByText(/Last result, run by Ada/)).toBeVisible();
    const seen = bea.getByRole("img", { name: "Bar chart of sum of trips by payment_type" });
    await expect(seen).toBeVisible();
    await expect(seen.locator(".recharts-bar-rectangle")).toHaveCount(4);
    await expect(bea.getByLabel("Chart type")).toHaveCount(0);
    await expect(bea.getByRole("button", { name: "Edit chart" })).toHaveCount(0);
    await expect(bea.locator(".draft-status")).toHaveText("Version 1");
    await bea.locator(".main").screenshot({ path: "test-results/editor-chart-viewer.png" });
    // The grid is one click away: card first, as in real taxi data.
    await bea.getByRole("tablist", { name: "Result view" }).getByRole("tab", { name: "Results" }).click();
    expect((await gridRows(bea)).map((row) => row[0])).toEqual(["Credit card", "Cash", "No charge", "Dispute"]);

    // The server refuses her a save of another chart, and refuses Ada a forged one.
    const queryId = link.split("/").pop() as string;
    const fields = { title, sql: SQL, connectionId: "builtin", id: queryId, baseVersion: 1 };
    const pie = { kind: "pie", x: "payment_type", y: ["trips"], group: null, aggregate: "none" };
    expect(await callAction(bea.request, "saveQueryAction", { ...fields, chart: pie })).toMatchObject({ ok: false });
    const forged = { ...pie, kind: "<img src=x onerror=alert(1)>" };
    expect(await callAction(ada.request, "saveQueryAction", { ...fields, chart: forged })).toMatchObject({
      ok: false,
    });
    await bea.reload();
    await expect(bea.getByRole("img", { name: "Bar chart of sum of trips by payment_type" })).toBeVisible();
    await bea.close();
  });
});
