import fs from "node:fs";
import { request as playwrightRequest } from "@playwright/test";
import { expect, newTab, resultStatus, runSql, test } from "./support/app";

/**
 * A member makes a token in Account, a script uses it (real HTTP, no cookie),
 * the member revokes it, and the admin finds all of it in the audit log.
 */
test("a token made in Account works in the Authorization header only, stops when revoked, and every call is in the audit log", async ({
  app: page,
  baseURL,
}) => {
  // A download in the browser is recorded too.
  await page.goto("/");
  await newTab(page);
  await runSql(page, "SELECT range AS n FROM range(7)");
  await expect(resultStatus(page)).toHaveText("Succeeded");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV", exact: true }).click(),
  ]);
  expect(fs.readFileSync(await download.path(), "utf8").split("\r\n")[0]).toBe("n");
  const href = (await page.getByRole("link", { name: "Download CSV", exact: true }).getAttribute("href")) as string;
  const runId = /\/api\/runs\/([0-9a-f]{32})\//.exec(href)?.[1] as string;

  const name = `script ${Date.now()}`;
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Expires after").selectOption("30");
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^lkb_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.textContent()) as string;
  await page
    .getByRole("status")
    .filter({ hasText: "shown only this once" })
    .screenshot({ path: "test-results/token-once.png" });
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row).not.toContainText(token.slice(8));
  await page.screenshot({ path: "test-results/account-tokens.png", fullPage: true });

  // A script: no cookie, the token in the header.
  const script = await playwrightRequest.newContext({ baseURL });
  const listed = await script.get("/api/v1/queries", { headers: { Authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  expect(await listed.json()).toHaveProperty("queries");
  const inUrl = await script.get(`/api/v1/queries?access_token=${token}`);
  expect(inUrl.status()).toBe(400);
  expect(inUrl.headers()["content-type"]).toBe("application/problem+json");
  expect((await inUrl.json()).detail).toContain("may have leaked");
  const ran = await script.post("/api/v1/statements", {
    headers: { Authorization: `Bearer ${token}` },
    data: { connection: "builtin", sql: "SELECT 1 AS one" },
  });
  expect(ran.status()).toBe(403);
  expect((await ran.json()).detail).toContain("run SQL");
  // The same run's result through the API, as CSV and as Arrow.
  const csvOfRun = await script.get(`/api/v1/runs/${runId}/results.csv`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(await csvOfRun.text()).toBe("n\r\n0\r\n1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n");
  const arrow = await script.get(`/api/v1/runs/${runId}/results.arrow`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(arrow.headers()["content-type"]).toBe("application/vnd.apache.arrow.stream");
  expect((await arrow.body()).subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  // The page is public documentation, not a way in.
  const doc = await script.get("/api/v1/openapi.json");
  expect((await doc.json()).openapi).toBe("3.1.0");

  // Revoked: refused at once.
  await page.goto("/account");
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("revoked");
  const after = await script.get("/api/v1/queries", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).detail).toContain("revoked");

  // The admin sees every token and the audit log.
  await page.goto("/admin/tokens");
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("revoked");
  await page.goto("/admin/audit?via=api");
  const events = page.getByRole("table", { name: "Audit events" });
  await expect(
    events.getByRole("row").filter({ hasText: "GET /api/v1/queries" }).filter({ hasText: "200" }).first(),
  ).toBeVisible();
  await expect(events.getByRole("row").filter({ hasText: "may have leaked" }).first()).toContainText("400");
  await expect(events.getByRole("row").filter({ hasText: "POST /api/v1/statements" }).first()).toContainText("403");
  await page.screenshot({ path: "test-results/audit-log.png", fullPage: true });
  await page.goto("/admin/audit?via=browser&action=download");
  await expect(events.getByRole("row").filter({ hasText: "download csv" }).first()).toContainText("7");
  await page.getByLabel("Only refusals").check();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("Nothing recorded that matches these filters")).toBeVisible();

  await page.goto("/admin/audit?via=api");
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const text = fs.readFileSync(await csv.path(), "utf8");
  expect(text.split("\r\n")[0]).toBe(
    "at,user_id,user_email,via,token_id,action,object_type,object_id,status,rows,bytes,detail,client_address",
  );
  expect(text).toContain("GET /api/v1/queries");
  expect(text).not.toContain(",browser,");
  await script.dispose();
});
