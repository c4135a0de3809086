import { callAction } from "./support/actions";
import { expect, test } from "./support/app";
import { signUpMember } from "./support/members";

test("an admin creates a group and adds a member; members cannot administer groups", async ({ app: page, browser }) => {
  const stamp = Date.now().toString(36);
  const gina = { name: `Gina ${stamp}`, email: `gina-${stamp}@example.com` };
  const member = await signUpMember(page, browser, gina.name, gina.email);
  const group = `Analysts ${stamp}`;

  await page.goto("/");
  await page.getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "Groups" })).toBeVisible();
  await page.getByLabel("Group name").fill(group);
  await page.getByRole("button", { name: "Create group" }).click();
  const members = page.getByRole("region", { name: `Members of ${group}` });
  await expect(members.getByRole("heading", { name: `Members of ${group}` })).toBeVisible();
  await expect(members).toContainText("No members yet.");

  // Picked from the member list by name.
  await members.getByLabel("Add a member").fill(gina.name);
  await members.getByRole("button", { name: "Add", exact: true }).click();
  await expect(members.getByRole("table")).toContainText(gina.email);
  const row = page.getByRole("table", { name: "Groups" }).getByRole("row").filter({ hasText: group });
  await expect(row.getByRole("cell").nth(1)).toHaveText("1");

  // The same name, in any case, is refused.
  await page.getByLabel("Group name").fill(group.toUpperCase());
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toHaveText(
    `A group named "${group}" already exists. Choose another name.`,
  );

  // A member sees no such page, and the actions refuse them.
  await member.goto("/admin/groups");
  await expect(member.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect(await callAction(member.request, "createGroupAction", { name: "Mine" })).toEqual({
    ok: false,
    error: "Only an admin can do this.",
    code: "forbidden",
  });
  await member.context().close();

  await page.screenshot({ path: "test-results/groups-page.png", fullPage: true });
  await page.reload();
  await members.getByRole("button", { name: `Remove ${gina.email} from ${group}` }).click();
  await expect(members).toContainText("No members yet.");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: `Delete ${group}` }).click();
  await expect(row).toHaveCount(0);
});
