import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, expect, it } from "vitest";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

/**
 * Sorted downloads of a large result, two members at once, in a result store
 * with little memory. A segment of a view joins its rows to the view's index
 * and sorts them, two segments are written at once per download, and all of
 * them share the store's memory limit: a download of two million sorted rows
 * ran out of memory under the default 64MB in the browser tests. Each
 * download must arrive whole and in order.
 */
prepareTempDataDir();
process.env.LAKEBOOK_RESULTS_MEMORY = "40MB";
process.env.LAKEBOOK_RESULT_MAX_ROWS = "2000000";

const runs = await import("@/lib/server/runs/runs");
const { storedExport } = await import("@/lib/server/runs/exports");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();
const ada = await createTestUser();
const bob = await createTestUser();
const out = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-view-memory-"));
const reader = await (await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" })).connect();
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const ROWS = 1_000_000;
const SQL = `SELECT i AS id, CAST(i AS BIGINT) * 4611686018427 AS big, CAST(i AS DECIMAL(38,10)) + 0.0000000001 AS amount, TIMESTAMP '2024-01-01' + to_microseconds(CAST(i AS BIGINT) * 1000003) AS at FROM range(${ROWS}) t(i)`;

async function stored(member: typeof ada): Promise<RunView> {
  const started = await runs.startRun(
    member,
    { sql: SQL, connectionId: "builtin", lane: "m", pageSize: 100 },
    rt.engine,
  );
  let view = started.run;
  while (view.status === "running") view = await runs.runState(member, view.id, view.rowCount, 1000);
  expect(view).toMatchObject({ status: "succeeded", rowCount: ROWS });
  return view;
}

async function sortedDownload(member: typeof ada, run: RunView, name: string): Promise<string> {
  const { body } = await storedExport(member, run.id, { format: "csv", bom: false, safe: false }, null, {
    filter: null,
    sort: { column: 0, direction: "desc" },
  });
  const file = path.join(out, name);
  fs.writeFileSync(file, Buffer.from(await new Response(body).arrayBuffer()));
  return file;
}

it("two members' sorted downloads of a million rows each arrive whole, in order and exact", async () => {
  const [mine, theirs] = await Promise.all([stored(ada), stored(bob)]);
  const files = await Promise.all([sortedDownload(ada, mine, "ada.csv"), sortedDownload(bob, theirs, "bob.csv")]);
  for (const [i, file] of files.entries()) {
    // Read as text into a table, the file's order kept: row n of it has rowid n,
    // and holds the query's row ROWS - 1 - n, every value exactly as DuckDB writes it.
    await reader.run(`CREATE TABLE back${i} AS FROM read_csv('${file}', header = true, all_varchar = true)`);
    const n = `(${ROWS - 1} - rowid)`;
    const [check] = (
      await reader.runAndReadAll(
        `SELECT count(*)::VARCHAR, count(*) FILTER (WHERE id <> ${n}::VARCHAR OR big <> (${n} * 4611686018427)::VARCHAR
           OR amount <> ${n}::VARCHAR || '.0000000001' OR "at" <> (TIMESTAMP '2024-01-01' + to_microseconds(${n} * 1000003))::VARCHAR)::VARCHAR,
           max(big::BIGINT)::VARCHAR, max("at")
         FROM back${i}`,
      )
    ).getRows();
    expect(check).toEqual([
      String(ROWS),
      "0",
      String(BigInt(ROWS - 1) * 4_611_686_018_427n),
      "2024-01-12 13:46:41.999997",
    ]);
  }
}, 180_000);
