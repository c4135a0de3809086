import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { callAction, serverActions } from "./support/actions";
import { expect, test } from "./support/app";
import { E2E_DATA_DIR, E2E_SERVER_LOG } from "./support/constants";

const SESSION_ENDED = { ok: false, error: "Your session has ended. Sign in again to continue.", code: "sign-in" };
const NOT_FOUND = {
  ok: false,
  error: "Not found: it does not exist, or you do not have access to it.",
  code: "not-found",
};
const PUBLIC_ACTIONS = new Set(["createFirstAdminAction", "joinAction", "resetPasswordAction"]);

function connection(overrides: Record<string, unknown>) {
  return {
    name: "Unused",
    host: "dbc-00000000-0000.cloud.databricks.com",
    port: 443,
    httpPath: "/sql/1.0/warehouses/0000000000000000",
    authType: "token",
    scope: "shared",
    ...overrides,
  };
}

test.describe("security", () => {
  test("every server action refuses a signed-out caller", async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const names = [...serverActions().keys()];
    expect(names.length).toBeGreaterThan(10);
    for (const name of names.filter((n) => !PUBLIC_ACTIONS.has(n))) {
      expect(await callAction(context.request, name, {}), name).toEqual(SESSION_ENDED);
    }
    // The public ones do nothing for a stranger.
    expect(
      await callAction(context.request, "createFirstAdminAction", {
        name: "Mallory",
        email: "mallory@example.com",
        password: "a long enough password",
      }),
    ).toEqual({ ok: false, error: "This server already has an admin. Sign in instead.", code: "conflict" });
    expect(
      await callAction(context.request, "joinAction", {
        token: "forged",
        name: "M",
        password: "a long enough password",
      }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/not valid any more/) });
    expect(
      await callAction(context.request, "resetPasswordAction", { token: "forged", password: "a long enough password" }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/not valid any more/) });
    await context.close();
  });

  test("members use shared connections but cannot change them, and never see others' personal ones", async ({
    app: admin,
    browser,
  }) => {
    await admin.goto("/connections");
    const shared = (await callAction(
      admin.request,
      "saveConnectionAction",
      connection({ name: "Shared WH", secret: "dapi-shared-0001" }),
    )) as {
      ok: true;
      data: { id: string };
    };
    const personal = (await callAction(
      admin.request,
      "saveConnectionAction",
      connection({ name: "Ada private", scope: "personal", secret: "dapi-private-0002" }),
    )) as { ok: true; data: { id: string } };
    expect(shared.ok && personal.ok).toBe(true);

    const member = await signUpMember(admin, browser, "carol@example.com");
    await member.goto("/connections");
    await expect(member.getByRole("row", { name: /Shared WH/ })).toBeVisible();
    await expect(member.getByText("Ada private")).toHaveCount(0);
    await expect(member.getByRole("button", { name: "Edit Shared WH" })).toHaveCount(0);

    const r = member.request;
    expect(
      await callAction(r, "saveConnectionAction", connection({ id: shared.data.id, name: "Hijacked", secret: "x" })),
    ).toEqual({
      ok: false,
      error: "Only an admin can change a shared connection.",
      code: "forbidden",
    });
    expect(await callAction(r, "deleteConnectionAction", { connectionId: shared.data.id })).toEqual({
      ok: false,
      error: "Only an admin can change a shared connection.",
      code: "forbidden",
    });
    expect(
      await callAction(r, "saveConnectionAction", connection({ name: "Mine", secret: "dapi-x-123456789" })),
    ).toEqual({
      ok: false,
      error: "Only an admin can add shared connections.",
      code: "forbidden",
    });
    expect(await callAction(r, "testConnectionAction", { id: personal.data.id })).toEqual(NOT_FOUND);
    expect(await callAction(r, "deleteConnectionAction", { connectionId: personal.data.id })).toEqual(NOT_FOUND);
    expect(await callAction(r, "listCatalogsAction", { connectionId: personal.data.id })).toEqual(NOT_FOUND);
    expect(await callAction(r, "searchTablesAction", { connectionId: personal.data.id, text: "trips" })).toEqual(
      NOT_FOUND,
    );
    expect(
      await callAction(r, "startRunAction", {
        sql: "SELECT 1",
        connectionId: personal.data.id,
        lane: "x",
        pageSize: 100,
      }),
    ).toEqual(NOT_FOUND);
    expect(await callAction(r, "inviteMemberAction", { email: "x@example.com", role: "admin" })).toEqual({
      ok: false,
      error: "Only an admin can do this.",
      code: "forbidden",
    });
    await member.context().close();
  });

  test("a stored secret appears in no page, action response, bundle, log line or file on disk", async ({
    app: admin,
    browser,
  }) => {
    const canary = `dapiCANARY${Date.now().toString(36)}${"z".repeat(8)}`;
    const seen: string[] = [];
    const record = (page: Page) =>
      page.on("response", async (response) => {
        const body = await response.body().catch(() => Buffer.alloc(0));
        seen.push(`${response.url()}\n${response.headers()["set-cookie"] ?? ""}\n${body.toString("utf8")}`);
      });
    record(admin);
    await admin.goto("/connections");
    await admin.getByRole("button", { name: "Add a Databricks connection" }).click();
    const form = admin.getByRole("form", { name: "New connection" });
    await form.getByLabel("Name", { exact: true }).fill("Canary WH");
    await form.getByLabel("Server hostname").fill("127.0.0.1");
    await form.getByLabel("Port").fill("9");
    await form.getByLabel("HTTP path").fill("/sql/1.0/warehouses/canary");
    await form.getByRole("textbox", { name: "Personal access token" }).fill(canary);
    await form.getByRole("button", { name: "Test connection" }).click();
    await expect(form.getByRole("status")).toContainText("cannot be reached");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(admin.getByRole("row", { name: /Canary WH/ })).toBeVisible();
    const row = admin.getByRole("row", { name: /Canary WH/ });
    await row.getByRole("button", { name: "Test Canary WH" }).click();
    await expect(row.getByRole("status")).toContainText("cannot be reached");
    await row.getByRole("button", { name: "Edit Canary WH" }).click();

    const member = await signUpMember(admin, browser, "dave@example.com");
    record(member);
    for (const page of [admin, member]) {
      for (const url of ["/", "/connections", "/admin/members"]) {
        await page.goto(url);
        await page.waitForLoadState("networkidle");
      }
      await page.goto("/");
      await page.getByLabel("Connection").selectOption({ label: "Canary WH" });
      // The admin reads what failed; a member only that the warehouse could not be reached.
      await expect(page.locator(".schema")).toContainText(
        page === admin ? "cannot be reached" : "Could not reach the warehouse.",
      );
    }
    // The specs that follow find the admin's tab on the built-in warehouse again.
    const draftSaved = admin.waitForResponse(
      (r) => r.request().method() === "POST" && /"revision"/.test(r.request().postData() ?? ""),
    );
    await admin.getByLabel("Connection").selectOption({ label: "Built-in warehouse (DuckDB)" });
    await draftSaved;

    // Client bundles: every script the pages loaded, fetched again in full.
    const scripts = new Set(seen.map((s) => s.split("\n")[0]).filter((u) => u.includes("/_next/static/")));
    expect(scripts.size).toBeGreaterThan(3);
    for (const url of scripts) seen.push(await (await admin.request.get(url)).text());

    for (const text of seen) expect(text.includes(canary), text.slice(0, 120)).toBe(false);
    expect(fs.readFileSync(E2E_SERVER_LOG, "utf8").includes(canary)).toBe(false);
    for (const file of filesUnder(E2E_DATA_DIR)) {
      expect(fs.readFileSync(file).includes(canary), `${file} holds the secret in plain text`).toBe(false);
    }
    await member.context().close();
  });
});

async function signUpMember(admin: Page, browser: import("@playwright/test").Browser, email: string): Promise<Page> {
  const invitation = (await callAction(admin.request, "inviteMemberAction", { email, role: "member" })) as {
    ok: true;
    data: { path: string };
  };
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(invitation.data.path);
  await page.getByLabel("Your name").fill(email.split("@")[0]);
  await page.getByLabel(/Password/).fill("member's long password");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/$/);
  return page;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}
