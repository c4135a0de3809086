import { callAction } from "./support/actions";
import { expect, resultStatus, runSql, test } from "./support/app";
import { signUpMember } from "./support/members";

/**
 * A member who runs as many queries as one may (4 by default) sees the next
 * one wait, and an admin stops that member's queries from History.
 */
test("a member's fifth query waits for a free slot, and an admin cancels their queries from History", async ({
  app: admin,
  browser,
}) => {
  const tag = `fair_${Date.now().toString(36)}`;
  const member = await signUpMember(admin, browser, "Mia Many", `mia-${tag}@example.com`);
  // Four long queries from other editors of hers: as many as one member runs at once.
  const long = (i: number) => `SELECT count(*) AS ${tag}_${i} FROM range(50000000000) t(i) WHERE i % 7 = 3`;
  const started = (await Promise.all(
    [0, 1, 2, 3].map((i) =>
      callAction(member.request, "startRunAction", {
        sql: long(i),
        connectionId: "builtin",
        lane: `${tag}-${i}`,
        pageSize: 50,
      }),
    ),
  )) as { ok: boolean; data: { run: { status: string; waiting: boolean } } }[];
  expect(started.map((s) => [s.ok, s.data.run.status, s.data.run.waiting])).toEqual(
    Array(4).fill([true, "running", false]),
  );

  // The fifth, from her editor, waits and says why.
  await member.goto("/");
  await runSql(member, `SELECT 'fifth' AS ${tag}_fifth`);
  await expect(resultStatus(member)).toHaveText("Waiting…");
  await expect(member.getByText("Waiting for a free slot: one member may run 4 queries at once")).toBeVisible();
  await expect(member.getByRole("status").filter({ hasText: "Waiting…" }).first()).toBeVisible();
  await member.screenshot({ path: "test-results/fair-share-waiting.png" });

  // The admin's History, filter "running": everyone's running and waiting queries, each with Cancel.
  await admin.goto("/history");
  await admin.getByLabel("Status").selectOption("running");
  await admin.getByLabel("SQL contains").fill(tag);
  await admin.getByRole("button", { name: "Filter" }).click();
  await expect(admin).toHaveURL(/status=running/);
  const table = admin.getByRole("table", { name: "Query history" });
  const rows = table.getByRole("row").filter({ hasText: tag });
  await expect(rows).toHaveCount(5);
  await expect(rows.filter({ hasText: "Mia Many" })).toHaveCount(5);
  const fifth = rows.filter({ hasText: `${tag}_fifth` });
  await expect(fifth).toContainText("Waiting");
  await expect(fifth).toContainText("Waiting for a free slot");
  await admin.screenshot({ path: "test-results/fair-share-history.png", fullPage: true });

  // Cancelling one of hers frees her slot: the fifth runs in her editor.
  await rows
    .filter({ hasText: `${tag}_0` })
    .getByRole("button", { name: "Cancel" })
    .click();
  await expect(rows.filter({ hasText: `${tag}_0` })).toHaveCount(0);
  await expect(resultStatus(member)).toHaveText("Succeeded");
  await expect(member.getByRole("grid", { name: "Query result" })).toContainText("fifth");

  // The rest, one by one; then History says who stopped them.
  for (const i of [1, 2, 3]) {
    await rows
      .filter({ hasText: `${tag}_${i}` })
      .getByRole("button", { name: "Cancel" })
      .click();
    await expect(rows.filter({ hasText: `${tag}_${i}` })).toHaveCount(0);
  }
  await admin.goto(`/history?q=${tag}`);
  await expect(rows.filter({ hasText: "Cancelled by an admin." })).toHaveCount(4);
  await expect(rows.filter({ hasText: `${tag}_fifth` })).toContainText("Succeeded");

  // A member cannot cancel someone else's run: it is not found for her.
  const adminRun = (await callAction(admin.request, "startRunAction", {
    sql: long(9),
    connectionId: "builtin",
    lane: `${tag}-admin`,
    pageSize: 50,
  })) as { data: { run: { id: string } } };
  expect(await callAction(member.request, "cancelRunAction", { runId: adminRun.data.run.id })).toEqual({
    ok: false,
    error: "Not found: it does not exist, or you do not have access to it.",
    code: "not-found",
  });
  expect(await callAction(admin.request, "cancelRunAction", { runId: adminRun.data.run.id })).toMatchObject({
    ok: true,
    data: { status: "cancelled" },
  });
  await member.context().close();
});
