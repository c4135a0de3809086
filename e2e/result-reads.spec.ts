import type { Page, Response } from "@playwright/test";
import { expect, expectPageRows, firstCell, resultStatus, runSql, test } from "./support/app";
import { signUpMember } from "./support/members";

const NOT_FOUND = {
  ok: false,
  error: "Not found: it does not exist, or you do not have access to it.",
  code: "not-found",
};

/** Runs SQL in the editor and returns the new run's id, as the results panel shows it. */
async function runAndId(page: Page, sql: string): Promise<string> {
  const results = page.getByRole("region", { name: "Results" });
  // The tab shows its last run again after a page load: wait for that before noting which run is shown.
  await page.waitForLoadState("networkidle");
  const before = (await results.getAttribute("data-run-id").catch(() => null)) ?? "";
  await runSql(page, sql);
  await expect(results).toHaveAttribute("data-run-id", /^[0-9a-f]{32}$/);
  await expect(results).not.toHaveAttribute("data-run-id", before);
  return (await results.getAttribute("data-run-id")) as string;
}

test.describe("reading results", () => {
  test("pages are GET reads, the neighbours of an ended run's page are fetched ahead and kept by the browser", async ({
    app: page,
  }) => {
    await page.goto("/");
    const pages: Response[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/page?")) pages.push(r);
    });
    await runSql(page, "SELECT range AS n FROM range(250)");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    await expect(firstCell(page)).toHaveText("0");
    // The next page was asked for before anyone clicked.
    await expect.poll(() => pages.map((r) => new URL(r.url()).searchParams.get("offset"))).toContain("100");
    const ended = pages.find((r) => new URL(r.url()).searchParams.get("offset") === "100");
    expect(ended?.headers()["cache-control"]).toBe("private, max-age=300");
    expect(ended?.headers()["content-type"]).toMatch(/^application\/json/);
    await page.getByRole("button", { name: "Next page" }).click();
    await expect(firstCell(page)).toHaveText("100");
    await page.getByRole("button", { name: "Next page" }).click();
    await expect(firstCell(page)).toHaveText("200");
    await expectPageRows(page, 50);
  });

  test("a page of a run still storing rows is never cached, and is not kept waiting behind the run's long poll", async ({
    app: page,
  }) => {
    await page.goto("/");
    const earlier = await runAndId(page, "SELECT 'earlier' AS v");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    // A run with no news for a while: its state poll waits the whole second.
    const slow = await runAndId(
      page,
      "SELECT sum(hash(a.range * b.range)) AS n FROM range(1000000) a, range(1000000) b",
    );
    await expect(resultStatus(page)).toContainText(/Running/);
    const order = await page.evaluate(
      async ({ slow, earlier }) => {
        const done: string[] = [];
        const poll = fetch(`/api/runs/${slow}/state?known=0&wait=1000`).then(() => done.push("poll"));
        const read = fetch(`/api/runs/${earlier}/page?offset=0&limit=100`).then(() => done.push("page"));
        await Promise.all([poll, read]);
        return done;
      },
      { slow, earlier },
    );
    expect(order).toEqual(["page", "poll"]);
    const running = await page.request.get(`/api/runs/${slow}/page?offset=0&limit=100`);
    expect(running.headers()["cache-control"]).toBe("no-store");
    expect(await running.json()).toEqual({ ok: true, data: { offset: 0, rows: [], rowIds: [], clipped: [] } });
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(resultStatus(page)).toHaveText("Cancelled");
  });

  test("the read routes refuse strangers, other members, other sites and bad input, as actions do", async ({
    app: page,
    browser,
  }) => {
    await page.goto("/");
    const id = await runAndId(page, "SELECT 1 AS one, 'two' AS two");
    await expect(resultStatus(page)).toHaveText("Succeeded");
    const pageOf = (query: string, runId = id) => `/api/runs/${runId}/page?${query}`;

    const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const signedOut = await stranger.request.get(pageOf("offset=0&limit=100"));
    expect(signedOut.status()).toBe(401);
    expect(await signedOut.json()).toEqual({
      ok: false,
      error: "Your session has ended. Sign in again to continue.",
      code: "sign-in",
    });
    await stranger.close();

    const mallory = await signUpMember(page, browser, "Mallory Reads", `mallory-reads-${Date.now()}@example.com`);
    for (const path of [
      pageOf("offset=0&limit=100"),
      `/api/runs/${id}/state?known=-1&wait=0`,
      `/api/runs/${id}/cell?row=0&column=0`,
    ]) {
      const theirs = await mallory.request.get(path);
      const missing = await mallory.request.get(path.replace(id, "ab".repeat(16)));
      expect(theirs.status(), path).toBe(404);
      expect(await theirs.json(), path).toEqual(NOT_FOUND);
      expect(await missing.json(), path).toEqual(NOT_FOUND);
    }
    await mallory.context().close();

    const crossSite = await page.request.get(pageOf("offset=0&limit=100"), {
      headers: { "Sec-Fetch-Site": "cross-site" },
    });
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.json()).toMatchObject({ ok: false, code: "forbidden" });

    const refusals: [string, number, RegExp][] = [
      [pageOf("offset=0&limit=7"), 422, /Unsupported page size/],
      [pageOf("offset=-1&limit=100"), 422, /Invalid request/],
      [pageOf(`offset=${"9".repeat(4000)}&limit=100`), 422, /Invalid request/],
      [pageOf("offset=0&limit=100&sort=9:asc"), 422, /no such column to sort by/],
      [pageOf("offset=0&limit=100&sort=0:sideways"), 422, /Sort as/],
      [pageOf("offset=0%00&limit=100"), 422, /NUL character/],
      [pageOf("offset=0&limit=100", "..%2F..%2Fsecret.key"), 404, /Not found/],
      [`/api/runs/${id}/state?known=0&wait=60000`, 422, /Invalid request/],
      [`/api/runs/${id}/cell?row=0&column=2`, 404, /Not found/],
    ];
    for (const [path, status, message] of refusals) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(status);
      expect((await response.json()).error, path).toMatch(message);
    }
    // The server still serves the member after all of it.
    const ok = await page.request.get(pageOf("offset=0&limit=100&sort=1:desc"));
    expect(await ok.json()).toEqual({ ok: true, data: { offset: 0, rows: [["1", "two"]], rowIds: [0], clipped: [] } });
  });
});
