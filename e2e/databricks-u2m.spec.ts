import type { Page } from "@playwright/test";
import { startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import { expect, firstCell, resultStatus, runSql, test } from "./support/app";
import { E2E_PORT, E2E_WAREHOUSE_TLS_DIR } from "./support/constants";
import { signUpMember } from "./support/members";

/**
 * Each member's own Databricks identity (OAuth user-to-machine), in Chromium:
 * an admin adds the connection; members who have not connected are asked to;
 * each signs in on the workspace's own page (HTTPS with the test warehouse's
 * self-signed certificate, hence ignoreHTTPSErrors for their browsers) and
 * runs the same query, which the warehouse sees under two identities.
 */
let warehouse: TestWarehouse;
const NAME = "Members' own workspace";
const QUERY = "SELECT 'whoami' AS q";

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({ certificateDir: E2E_WAREHOUSE_TLS_DIR });
});

test.afterAll(async () => {
  await warehouse?.close();
});

test.describe.configure({ mode: "serial" });

/** Picks the connection in the editor's tab and waits for the tab's draft to keep it. */
async function pickConnection(page: Page): Promise<void> {
  const saved = page.waitForResponse(
    (r) => r.request().method() === "POST" && /"revision"/.test(r.request().postData() ?? ""),
  );
  await page.getByLabel("Connection").selectOption({ label: NAME });
  await saved;
}

/** "Connect with Databricks" from the results, signing in on the workspace's page as `workspaceUser`. */
async function connect(page: Page, workspaceUser: string): Promise<void> {
  await page.getByRole("region", { name: "Results" }).getByRole("link", { name: "Connect with Databricks" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to the test workspace" })).toBeVisible();
  await page.getByLabel("E-mail").fill(workspaceUser);
  await page.getByRole("button", { name: "Sign in and allow Lakebook" }).click();
  await expect(page).toHaveURL(`http://127.0.0.1:${E2E_PORT}/`);
}

test("members connect with Databricks and run the same query as their own workspace users", async ({
  app: admin,
  browser,
}) => {
  await admin.goto("/connections");
  await admin.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = admin.getByRole("form", { name: "New connection" });
  await form.getByLabel("Name", { exact: true }).fill(NAME);
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill(String(warehouse.port));
  await form.getByLabel("HTTP path").fill(warehouse.path);
  const auth = form.getByLabel("Authentication");
  await auth.selectOption({ label: "OAuth, each member signs in (U2M)" });
  await expect(auth).toHaveAccessibleDescription(/each member signs in with Databricks once/);
  // Each option reads whole in the closed select: its text fits beside the arrow.
  const cut = await auth.evaluate((select: HTMLSelectElement) => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d");
    if (!context) return ["no canvas"];
    context.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
    return [...select.options].map((o) => o.text).filter((text) => context.measureText(text).width > room);
  });
  expect(cut).toEqual([]);
  await form.getByLabel("OAuth app client ID").fill(warehouse.oauth.members.clientId);
  await expect(form.getByText(`http://127.0.0.1:${E2E_PORT}/api/connections/oauth/callback`)).toBeVisible();
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status")).toContainText("No query was run");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByRole("row", { name: new RegExp(NAME) })).toBeVisible();

  const options = { ignoreHTTPSErrors: true };
  const alice = await signUpMember(admin, browser, "Alice U2M", "alice.u2m@example.com", options);
  const bob = await signUpMember(admin, browser, "Bob U2M", "bob.u2m@example.com", options);

  for (const [page, workspaceUser] of [
    [alice, "alice@workspace.example"],
    [bob, "bob@workspace.example"],
  ] as const) {
    await pickConnection(page);
    // Not connected yet: the schema browser and the run both ask for it.
    await expect(
      page
        .getByRole("complementary", { name: "Schema browser" })
        .getByRole("link", { name: "Connect with Databricks" }),
    ).toBeVisible();
    await runSql(page, QUERY);
    const results = page.getByRole("region", { name: "Results" });
    await expect(results.getByRole("alert")).toHaveText(`Connect with Databricks to run queries on ${NAME}.`);
    if (page === alice) await page.screenshot({ path: "test-results/u2m-connect-prompt.png" });
    if (page === bob) {
      // Denied on the workspace's page: Lakebook says so in the app's frame and leads back.
      await results.getByRole("link", { name: "Connect with Databricks" }).click();
      await page.getByRole("button", { name: "Deny" }).click();
      await expect(page.getByRole("heading", { name: "Lakebook could not connect you with Databricks" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Connections" })).toBeVisible();
      await expect(page.getByRole("main").getByRole("alert")).toHaveText(
        "The sign-in to Databricks was cancelled or denied.",
      );
      await page.getByRole("link", { name: "Back to Lakebook" }).click();
      await expect(page).toHaveURL(`http://127.0.0.1:${E2E_PORT}/`);
      // A callback nobody started here (a forged state, the workspace's words in it): our own words only.
      const forged = new URLSearchParams({ code: "x", state: "forged", error_description: "<b>Call +1 555</b>" });
      await page.goto(`/api/connections/oauth/callback?${forged}`);
      await expect(page.getByRole("main").getByRole("alert")).toHaveText(
        /^This sign-in to Databricks was not started in this browser/,
      );
      await expect(page.locator("main")).not.toContainText("555");
      await page.getByRole("link", { name: "Back to Lakebook" }).click();
      await expect(page).toHaveURL(`http://127.0.0.1:${E2E_PORT}/`);
      await runSql(page, QUERY);
    }

    await connect(page, workspaceUser);
    await expect(page.getByLabel("Connection")).toHaveValue(/.+/);
    await expect(page.getByLabel("Connection").locator("option:checked")).toHaveText(NAME);
    await runSql(page, QUERY);
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(firstCell(page)).toHaveText("whoami");
    await expect(page.getByTestId("ran-as")).toHaveText(`Ran as ${workspaceUser} (your own Databricks sign-in)`);
  }

  const identities = warehouse
    .stats()
    .statementCallers.filter((s) => s.statement === QUERY)
    .map((s) => s.identity);
  expect(identities).toEqual(["alice@workspace.example", "bob@workspace.example"]);

  // The connections list says who each member is connected as.
  await bob.goto("/connections");
  await expect(bob.getByRole("row", { name: new RegExp(NAME) })).toContainText("Connected as bob@workspace.example");
  // Its Python connector snippet signs in the same way, through the browser: no token to set.
  await bob.getByRole("button", { name: `Use ${NAME} from Python` }).click();
  const python = bob.getByRole("dialog", { name: "Use from Python" });
  await expect(python.getByRole("tabpanel")).toContainText(
    "the connector opens your browser to sign in with Databricks",
  );
  const connector = await python.getByRole("tabpanel").locator("pre").textContent();
  expect(connector).toContain('auth_type="databricks-oauth"');
  expect(connector).toContain(`http_path="${warehouse.path}"`);
  expect(connector).not.toMatch(/token/i);
  await python.getByRole("button", { name: "Close" }).click();
  await bob.goto("/");

  // Alice saves her query and shares it: Bob reads her last result, and whose identity produced it.
  await alice.getByRole("button", { name: "Save", exact: true }).click();
  await alice.getByLabel("Title", { exact: true }).fill("Who am I");
  await alice.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
  await expect(alice).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
  await alice.getByRole("button", { name: "Share" }).click();
  const share = alice.getByRole("dialog", { name: "Sharing" });
  await expect(share.getByRole("list", { name: "People with access" })).not.toContainText("Loading");
  await share.getByLabel("Add people or groups").fill("Bob");
  await share.getByRole("button", { name: /Bob U2M/ }).click();
  await share.getByLabel("Access level").selectOption("view");
  await share.getByRole("button", { name: "Share", exact: true }).click();
  await expect(share.getByLabel("Access for Bob U2M")).toHaveValue("view");
  await bob.goto(alice.url());
  await expect(bob.getByText(/Last result, run by Alice U2M/)).toBeVisible();
  await expect(bob.getByTestId("ran-as")).toHaveText("Ran as alice@workspace.example (their own Databricks sign-in)");

  // The Account page lists the sign-in; Disconnect forgets it, and the next run asks again.
  await alice.goto("/account");
  const signIns = alice.getByRole("region", { name: "Databricks sign-ins" });
  await expect(signIns.getByRole("row", { name: new RegExp(NAME) })).toContainText("alice@workspace.example");
  await signIns.scrollIntoViewIfNeeded();
  await alice.screenshot({ path: "test-results/u2m-account.png", fullPage: true });
  await signIns.getByRole("button", { name: `Disconnect ${NAME}` }).click();
  await expect(signIns).toContainText("You have not connected with Databricks on any connection.");
  await alice.goto("/");
  await runSql(alice, QUERY);
  await expect(alice.getByRole("region", { name: "Results" }).getByRole("alert")).toHaveText(
    `Connect with Databricks to run queries on ${NAME}.`,
  );
  await alice.context().close();
  await bob.context().close();
});
