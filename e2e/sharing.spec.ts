import type { Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { callAction } from "./support/actions";
import { expect, firstCell, focusEditor, gridRows, newTab, resultStatus, test, typeSql } from "./support/app";
import { signUpMember } from "./support/members";

const SQL = "SELECT payment_type, count(*) AS trips FROM samples.nyctaxi.trips GROUP BY 1 ORDER BY 1";

/** The SQL editor's text, as Monaco shows it (one line per view line). */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator(".monaco-editor .view-lines").textContent()) ?? "").replaceAll("\u00a0", " ");
}

async function openShareDialog(page: Page) {
  await page.getByRole("button", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Sharing" });
  await expect(dialog.getByRole("list", { name: "People with access" })).not.toContainText("Loading");
  return dialog;
}

test.describe("saved queries shared with a teammate", () => {
  test("share at Can run, raise to Can edit, a stale save gets the conflict choice, revoke", async ({
    app: ada,
    browser,
  }) => {
    test.setTimeout(120_000);
    const suffix = Date.now().toString(36);
    const bea = await signUpMember(ada, browser, `Bea ${suffix}`, `bea-${suffix}@example.com`);

    // Ada writes a query in a new tab, runs it and saves it.
    await ada.goto("/");
    await newTab(ada);
    await ada.getByLabel("Connection").selectOption({ label: "Built-in warehouse (DuckDB)" });
    await typeSql(ada, SQL);
    await ada.keyboard.press("ControlOrMeta+Enter");
    await expect(resultStatus(ada)).toHaveText("Succeeded");
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    await ada.getByLabel("Title", { exact: true }).fill(`Trips by payment ${suffix}`);
    await ada.getByRole("dialog", { name: "Save query" }).getByRole("button", { name: "Save" }).click();
    await expect(ada).toHaveURL(/\/queries\/[0-9a-f-]{36}$/);
    const link = ada.url();
    await expect(ada.getByRole("heading", { name: `Trips by payment ${suffix}` })).toBeVisible();

    // Before sharing, the link does not exist for Bea.
    await bea.goto(link);
    await expect(bea.getByRole("heading", { name: "Page not found" })).toBeVisible();

    // Ada shares it with Bea at Can run.
    let share = await openShareDialog(ada);
    await share.getByLabel("Add people or groups").fill("Bea");
    await share.getByRole("button", { name: new RegExp(`Bea ${suffix}`) }).click();
    await share.getByLabel("Access level").selectOption("run");
    await share.getByRole("button", { name: "Share", exact: true }).click();
    await expect(share.getByLabel(`Access for Bea ${suffix}`)).toHaveValue("run");
    await share.getByRole("button", { name: "Close" }).click();

    // Bea opens the link: she sees the SQL and Ada's last result without running anything.
    await bea.goto(link);
    await expect(bea.getByText("Can run", { exact: true })).toBeVisible();
    await expect.poll(() => editorText(bea)).toBe(SQL);
    await expect(bea.getByText(/Last result, run by Ada/)).toBeVisible();
    await expect(resultStatus(bea)).toHaveText("Succeeded");

    // She runs it and downloads exactly what the grid shows.
    await bea.getByRole("button", { name: "Run" }).click();
    await expect(resultStatus(bea)).toHaveText("Succeeded");
    await expect(bea.getByText(/Last result, run by/)).toHaveCount(0);
    const rows = await gridRows(bea);
    const download = bea.waitForEvent("download");
    await bea.getByRole("link", { name: "Download CSV" }).click();
    const csv = parse(await streamText(await (await download).createReadStream())) as string[][];
    expect(csv[0]).toEqual(["payment_type", "trips"]);
    expect(csv.slice(1)).toEqual(rows.map((r) => r.map((v) => (v === "NULL" ? "" : v))));

    // She cannot edit: the editor is read-only, and the server refuses a save all the same.
    await focusEditor(bea);
    await bea.keyboard.type("-- mine");
    await expect.poll(() => editorText(bea)).toBe(SQL);
    await expect(bea.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
    const queryId = link.split("/").pop() as string;
    const refused = await callAction(bea.request, "saveQueryAction", {
      id: queryId,
      baseVersion: 1,
      title: "taken over",
      description: "",
      sql: "SELECT 1",
      connectionId: "builtin",
    });
    expect(refused).toEqual({
      ok: false,
      error: "You have Can run on this query; this needs Can edit. Ask its owner for more access.",
      code: "forbidden",
    });

    // Ada raises Bea to Can edit, and goes on editing her own tab meanwhile (not saved yet).
    share = await openShareDialog(ada);
    await share.getByLabel(`Access for Bea ${suffix}`).selectOption("edit");
    await expect(share.getByLabel(`Access for Bea ${suffix}`)).toHaveValue("edit");
    await share.getByRole("button", { name: "Close" }).click();
    await typeSql(ada, `${SQL} -- Ada's change`);
    await expect(ada.getByText("Unsaved changes", { exact: true })).toBeVisible();

    // Bea edits and saves version 2.
    await bea.reload();
    await expect(bea.getByText("Version 1")).toBeVisible();
    await typeSql(bea, `${SQL} LIMIT 2`);
    await bea.getByRole("button", { name: "Save", exact: true }).click();
    await expect(bea.getByText("Version 2")).toBeVisible();

    // Ada's save over version 1 is refused with a choice; she compares and overwrites.
    await ada.getByRole("button", { name: "Save", exact: true }).click();
    const conflict = ada.getByRole("dialog", { name: "This query was changed by someone else" });
    await expect(conflict).toContainText(`Bea ${suffix} saved version 2`);
    await expect(conflict.getByRole("button", { name: "Reload their version" })).toBeVisible();
    await expect(conflict.getByRole("button", { name: "Keep mine as a copy" })).toBeVisible();
    await conflict.getByRole("button", { name: "Compare to overwrite…" }).click();
    const differences = conflict.getByRole("region", { name: "Differences" });
    await expect(differences.locator(".diff-removed")).toContainText(`theirs: ${SQL} LIMIT 2`);
    await expect(differences.locator(".diff-added")).toContainText(`yours: ${SQL} -- Ada's change`);
    await conflict.getByRole("button", { name: "Overwrite with mine" }).click();
    await expect(ada.getByText("Version 3")).toBeVisible();

    // Bea's tab is now behind: her next save gets the choice too, and she keeps hers as a copy.
    await typeSql(bea, `${SQL} LIMIT 3`);
    await bea.getByRole("button", { name: "Save", exact: true }).click();
    await bea.getByRole("button", { name: "Keep mine as a copy" }).click();
    await expect(bea.getByRole("heading", { name: `Trips by payment ${suffix} (copy)` })).toBeVisible();
    await expect(bea).not.toHaveURL(link);

    // The versions of Ada's query are all kept.
    await ada.getByRole("button", { name: "Versions" }).click();
    const versions = ada.getByRole("list", { name: "Saved versions" });
    await expect(versions.getByRole("button")).toHaveCount(3);
    await versions.getByRole("button", { name: /Version 2/ }).click();
    await expect(ada.getByRole("dialog", { name: "Versions" })).toContainText(`${SQL} LIMIT 2`);
    await ada.getByRole("dialog", { name: "Versions" }).getByRole("button", { name: "Close" }).click();

    // Ada revokes Bea: the link is now exactly a missing page for her, and the CSV route says not found.
    share = await openShareDialog(ada);
    await share.getByRole("button", { name: `Remove Bea ${suffix}` }).click();
    await expect(share.getByLabel(`Access for Bea ${suffix}`)).toHaveCount(0);
    await bea.goto(link);
    await expect(bea.getByRole("heading", { name: "Page not found" })).toBeVisible();
    const missing = await bea.request.get(`/queries/00000000-0000-4000-8000-000000000000`);
    const revoked = await bea.request.get(link);
    expect(revoked.status()).toBe(404);
    expect(missing.status()).toBe(404);
    await bea.context().close();
    await expect(firstCell(ada)).toBeVisible();
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
