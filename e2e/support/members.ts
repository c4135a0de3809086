import { type Browser, type BrowserContextOptions, expect, type Page } from "@playwright/test";
import { callAction } from "./actions";

/** A new member, invited by the signed-in admin, who joins in a browser of their own (with `options`). */
export async function signUpMember(
  admin: Page,
  browser: Browser,
  name: string,
  email: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const invitation = (await callAction(admin.request, "inviteMemberAction", { email, role: "member" })) as {
    ok: true;
    data: { path: string };
  };
  const context = await browser.newContext({ ...options, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(invitation.data.path);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel(/Password/).fill("member's long password");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/(\?.*)?$/);
  return page;
}
