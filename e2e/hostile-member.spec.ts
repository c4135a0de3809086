import { callAction } from "./support/actions";
import { expect, firstCell, resultStatus, runSql, test } from "./support/app";
import { signUpMember } from "./support/members";

test.describe("a hostile member on the built-in warehouse", () => {
  test("is refused what would break the server, and everyone keeps working", async ({ app: admin, browser }) => {
    await admin.goto("/");
    await runSql(admin, "CREATE OR REPLACE TABLE team_notes AS SELECT range AS id FROM range(3)");
    await expect(resultStatus(admin)).toHaveText("Succeeded");

    const suffix = Date.now().toString(36);
    const mallory = await signUpMember(admin, browser, `Mallory ${suffix}`, `mallory-${suffix}@example.com`);
    await mallory.goto("/");
    const refusals: [string, string][] = [
      ["CREATE OR REPLACE MACRO lower(x) AS 'pwned'", "CREATE MACRO is not allowed on the built-in warehouse"],
      ["USE samples;\nDETACH workspace", "DETACH is not allowed on the built-in warehouse"],
      [
        "COPY (SELECT 'x' AS x) TO '.lakebook-e2e/warehouse/workspace.duckdb' (FORMAT csv, USE_TMP_FILE false)",
        "COPY … TO / FROM a file is not allowed on the built-in warehouse",
      ],
      ["SELECT * FROM read_text('secret.key')", "The table function read_text() is not allowed"],
    ];
    for (const [sql, message] of refusals) {
      await runSql(mallory, sql);
      await expect(resultStatus(mallory)).toHaveText("Failed");
      await expect(mallory.locator(".error-panel")).toContainText(message);
    }
    await expect(mallory.locator(".error-panel")).toContainText(
      "reads `samples` and creates, changes and drops tables",
    );
    await mallory.screenshot({ path: "test-results/hostile-member-refused.png" });

    // A NUL character (which PostgreSQL cannot store and DuckDB stops reading at) is refused in any action.
    for (const [name, input] of [
      ["startRunAction", { connectionId: "builtin", sql: "SELECT 1\0; DETACH samples", lane: "x", pageSize: 10 }],
      ["saveDraftAction", { tabId: "x", sql: "SELECT '\0'", connectionId: "builtin" }],
    ] as const) {
      expect(await callAction(mallory.request, name, input)).toEqual({
        ok: false,
        error: "The text contains a NUL character (\\0), which cannot be stored or run. Remove it and try again.",
        code: "invalid",
      });
    }

    // The admin's table and the built-in functions are as they were.
    await runSql(admin, "SELECT lower('ABC') || count(*) AS check FROM team_notes");
    await expect(resultStatus(admin)).toHaveText("Succeeded");
    await expect(firstCell(admin)).toHaveText("abc3");
    await mallory.context().close();
  });
});
