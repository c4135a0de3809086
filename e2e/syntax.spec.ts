import { expect, newTab, pasteSql, test, typeSql } from "./support/app";
import { E2E_PORT } from "./support/constants";

const squiggles = ".monaco-editor .squiggly-error";

test.describe("syntax errors as you type", () => {
  test("the first error DuckDB's parser finds is underlined, with its message, and goes once it is fixed", async ({
    app: page,
  }) => {
    await page.goto("/");
    await newTab(page);
    await typeSql(page, "SELECT fare_amount\nFRM samples.nyctaxi.trips");
    await expect(page.locator(squiggles)).toHaveCount(1);
    // Under `samples`, where the parser stopped (FRM reads as an alias of fare_amount).
    const squiggle = await page.locator(squiggles).boundingBox();
    const word = await page.locator(".monaco-editor .view-line").filter({ hasText: "FRM" }).boundingBox();
    expect(squiggle && word && Math.abs(squiggle.y + squiggle.height / 2 - (word.y + word.height / 2))).toBeLessThan(
      word?.height ?? 0,
    );
    await page.locator(squiggles).hover({ force: true });
    await expect(page.locator(".monaco-hover").filter({ hasText: 'syntax error at or near "samples"' })).toBeVisible();
    await page.screenshot({ path: "test-results/syntax-error.png" });

    // Fixed: the mark goes. Parameters, casts and comments are not errors.
    await typeSql(page, "SELECT fare_amount::VARCHAR -- a note\nFROM samples.nyctaxi.trips WHERE fare_amount > :least");
    await expect(page.locator(squiggles)).toHaveCount(0);
    await pasteSql(page, `SELECT 1 /* ${"/*/".repeat(20_000)}`);
    await expect(page.locator(squiggles)).toHaveCount(1);
    // Back to the start of the long line, where the comment opens.
    await page.keyboard.press("ControlOrMeta+Home");
    await page.locator(squiggles).hover({ force: true });
    await expect(page.locator(".monaco-hover").filter({ hasText: "unterminated /* comment" })).toBeVisible();
  });

  test("the check refuses a body over its limit, and a request from another site", async ({ app: page }) => {
    await page.goto("/");
    const big = await page.request.post("/api/connections/builtin/syntax", {
      data: "SELECT 1 ".repeat(40_000),
      headers: { "Content-Type": "text/plain", Origin: `http://127.0.0.1:${E2E_PORT}` },
    });
    expect(big.status()).toBe(413);
    expect((await big.json()).error).toContain("Only texts up to 256 KiB");
    const crossSite = await page.request.post("/api/connections/builtin/syntax", {
      data: "SELEC 1",
      headers: { "Content-Type": "text/plain", Origin: "https://evil.example" },
    });
    expect(crossSite.status()).toBe(403);
    const forged = await page.request.post("/api/connections/00000000-0000-0000-0000-000000000000/syntax", {
      data: "SELEC 1",
      headers: { "Content-Type": "text/plain", Origin: `http://127.0.0.1:${E2E_PORT}` },
    });
    expect(forged.status()).toBe(404);
    const ok = await page.request.post("/api/connections/builtin/syntax", {
      data: "SELEC 1",
      headers: { "Content-Type": "text/plain", Origin: `http://127.0.0.1:${E2E_PORT}` },
    });
    expect(await ok.json()).toEqual({
      ok: true,
      data: { checked: true, problem: { message: 'Parser Error: syntax error at or near "SELEC"', offset: 0 } },
    });
  });
});
