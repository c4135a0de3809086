import type { Locator } from "@playwright/test";
import { startTestWarehouse, type TestWarehouse } from "../tests/support/databricks-warehouse";
import { expect, test } from "./support/app";
import { E2E_WAREHOUSE_TLS_DIR } from "./support/constants";
import { signUpMember } from "./support/members";

/**
 * Connections are not a probe of the server's network: through the
 * connection form, a member's connection to a host outside the allowed list or
 * to a refused address is refused with words that say nothing about the
 * network (an admin reads the detail), and a saved connection cannot be moved
 * to another host without its secret.
 */
let warehouse: TestWarehouse;

test.beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: E2E_WAREHOUSE_TLS_DIR });
});

test.afterAll(async () => {
  await warehouse?.close();
});

async function fill(form: Locator, values: { name: string; host: string; port: number; path: string; token: string }) {
  await form.getByLabel("Name", { exact: true }).fill(values.name);
  await form.getByLabel("Server hostname").fill(values.host);
  await form.getByLabel("Port").fill(String(values.port));
  await form.getByLabel("HTTP path").fill(values.path);
  await form.getByRole("textbox", { name: "Personal access token" }).fill(values.token);
}

test("a member cannot reach the server's network through the connection form, nor move a secret to another host", async ({
  app: admin,
  browser,
}) => {
  const member = await signUpMember(admin, browser, "Pat Probe", `pat-${Date.now()}@example.com`);
  await member.goto("/connections");
  await member.getByRole("button", { name: "Add a Databricks connection" }).click();
  const form = member.getByRole("form", { name: "New connection" });
  const status = form.getByRole("status");

  // A host outside the allowed list: refused, without the list.
  await fill(form, {
    name: "Intranet",
    host: "intranet.example",
    port: 443,
    path: "/sql/1.0/warehouses/x",
    token: "dapi-probe-0001",
  });
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toHaveText(
    "This server connects only to the warehouse hosts and ports its admins allow. Ask an admin if this warehouse should be one of them.",
  );
  await form.getByRole("button", { name: "Save" }).click();
  await expect(status).toContainText("This server connects only to the warehouse hosts and ports its admins allow.");

  // A listed host on a loopback address the networks do not allow, and a closed port on an allowed one: the same words.
  await fill(form, {
    name: "Loopback",
    host: "127.0.0.2",
    port: 443,
    path: "/sql/1.0/warehouses/x",
    token: "dapi-probe-0001",
  });
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toHaveText("Could not reach the warehouse.");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(status).toHaveText("Could not reach the warehouse.");
  await form.getByLabel("Server hostname").fill("localhost");
  await form.getByLabel("Port").fill("9");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toHaveText("Could not reach the warehouse.");
  await member.screenshot({ path: "test-results/connection-policy-member.png" });

  // An admin testing the same form reads why.
  await admin.goto("/connections");
  await admin.getByRole("button", { name: "Add a Databricks connection" }).click();
  const adminForm = admin.getByRole("form", { name: "New connection" });
  await fill(adminForm, {
    name: "Loopback",
    host: "127.0.0.2",
    port: 443,
    path: "/sql/1.0/warehouses/x",
    token: "dapi-probe-0001",
  });
  await adminForm.getByRole("button", { name: "Test connection" }).click();
  await expect(adminForm.getByRole("status")).toContainText(
    "127.0.0.2 is a loopback address, which this server does not connect to unless LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS allows it.",
  );
  await adminForm.getByRole("button", { name: "Cancel" }).click();

  // The member's own warehouse, allowed by the server's configuration, works.
  await fill(form, {
    name: "Pat's warehouse",
    host: "localhost",
    port: warehouse.port,
    path: warehouse.path,
    token: warehouse.token,
  });
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toContainText("Connected");
  await form.getByRole("button", { name: "Save" }).click();
  const row = member.getByRole("row", { name: /Pat's warehouse/ });
  await expect(row).toBeVisible();

  // Moving it to another port asks for the token again; the form will not save without it.
  await row.getByRole("button", { name: "Edit Pat's warehouse" }).click();
  const edit = member.getByRole("form", { name: "Edit Pat's warehouse" });
  const token = edit.getByRole("textbox", { name: "Personal access token" });
  await expect(token).not.toHaveAttribute("required", "");
  await edit.getByLabel("Port").fill("9");
  await expect(edit.getByText("needs the token again: the stored one stays with the old warehouse")).toBeVisible();
  await expect(token).toHaveAttribute("required", "");
  await member.screenshot({ path: "test-results/connection-policy-secret-again.png" });
  await edit.getByRole("button", { name: "Save" }).click();
  expect(await token.evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
  // Sent anyway (a hand-edited page): the server refuses it, and says why.
  await token.evaluate((input: HTMLInputElement) => input.removeAttribute("required"));
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("status")).toHaveText(
    "Enter the access token again: a changed server hostname, port, HTTP path, authentication type or client ID needs it.",
  );
  await edit.getByRole("button", { name: "Cancel" }).click();
  await row.getByRole("button", { name: "Test Pat's warehouse" }).click();
  await expect(row.getByRole("status")).toContainText("Connected");
  await member.context().close();
});
