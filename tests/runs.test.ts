import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

const dataDir = prepareTempDataDir();
process.env.LAKEBOOK_RESULT_MAX_ROWS = "50000";

const runs = await import("@/lib/server/runs/runs");
const { runtime } = await import("@/lib/server/runtime");
const engine = (await runtime()).engine;
const me = await createTestUser();
const other = await createTestUser();

async function finished(id: string): Promise<RunView> {
  let known = -1;
  for (;;) {
    const view = await runs.runState(me, id, known, 1000);
    if (view.status !== "running") return view;
    known = view.rowCount;
  }
}

async function run(sql: string, lane = "t") {
  const started = await runs.startRun(me, { sql, connectionId: "builtin", lane, pageSize: 100 }, engine);
  return { ...started, final: await finished(started.run.id) };
}

async function csvText(id: string): Promise<string> {
  const { body } = await runs.csvDownload(me, id);
  return new Response(body).text();
}

beforeAll(async () => {
  // First start generates the sample catalog.
  await run("SELECT 1");
}, 120_000);

describe("runs on the built-in warehouse", () => {
  it("stores the whole result and serves any page from it", async () => {
    const { run: started, page, final } = await run("SELECT * FROM samples.nyctaxi.trips ORDER BY trip_id");
    expect(final.status).toBe("succeeded");
    expect(final.rowCount).toBe(20_000);
    expect(page?.rows[0][0]).toBe("9007199254740993");
    expect(started.columns.map((c) => c.name)).toContain("tpep_pickup_datetime");
    const last = await runs.readPage(me, started.id, 19_950, 50, null);
    expect(last.rows).toHaveLength(50);
    expect(last.rows[49][0]).toBe(String(9007199254740993n + 19_999n));
  });

  it("keeps exact values: BIGINT above 2^53, DECIMAL(38,10), microsecond timestamps", async () => {
    const { page } = await run("SELECT big_id, amount, happened_at, huge FROM samples.demo.tricky_values ORDER BY id");
    expect(page?.rows[0]).toEqual([
      "9007199254740993",
      "1234567890123456789012345678.0123456789",
      "2024-02-29 23:59:59.999999",
      "170141183460469231731687303715884105727",
    ]);
    expect(page?.rows[1][1]).toBe("-9999999999999999999999999999.9999999999");
    expect(page?.rows[1][2]).toBe("1970-01-01 00:00:00.000001");
    expect(page?.rows[6]).toEqual([null, null, null, null]);
  });

  it("cuts long values of every type whose text can be long, and reads short ones whole", async () => {
    const { run: started, final } = await run(
      "SELECT repeat('9', 5000)::BIGNUM AS n, [repeat('x', 5000)] AS l, repeat('y', 5000) AS s, '1234567890123456789012345678.0123456789'::DECIMAL(38,10) AS d",
    );
    expect(final.status).toBe("succeeded");
    const page = await runs.readPage(me, started.id, 0, 10, null);
    expect(page.clipped).toEqual(["0:0", "0:1", "0:2"]);
    expect(page.rows[0][3]).toBe("1234567890123456789012345678.0123456789");
    expect(await runs.readCell(me, started.id, page.rowIds[0], 0)).toBe("9".repeat(5000));
    expect(await runs.readCell(me, started.id, page.rowIds[0], 1)).toBe(`[${"x".repeat(5000)}]`);
  });

  it("downloads CSV that parses back to exactly the stored values", async () => {
    const { run: started } = await run(
      "SELECT id, label, text_value, amount, tags, payload FROM samples.demo.tricky_values ORDER BY id",
    );
    const text = await csvText(started.id);
    expect(text.startsWith("id,label,text_value,amount,tags,payload\r\n")).toBe(true);
    const records: string[][] = parse(text, { relax_column_count: false });
    const page = await runs.readPage(me, started.id, 0, 100, null);
    expect(records.slice(1)).toHaveLength(page.rows.length);
    expect(page.clipped).toEqual(["7:2"]);
    const longText = await runs.readCell(me, started.id, page.rowIds[7], 2);
    expect(longText).toBe("long value ".repeat(1000));
    page.rows[7][2] = longText;
    records.slice(1).forEach((record, r) => {
      // csv-parse reads both NULL and "" as "": the raw text below tells them apart.
      expect(record).toEqual(page.rows[r].map((v) => v ?? ""));
    });
    expect(text).toContain('6,empty string,"",0.0000000000,');
    expect(text).toContain("7,null,,,,\r\n");
    expect(text).toContain('"she said ""hi"""');
    expect(text).toContain('"line one\nline two\r\nline three"');
  });

  it("marks a result cut at the row cap", async () => {
    const { final } = await run("SELECT range AS n FROM range(120000)");
    expect(final.status).toBe("succeeded");
    expect(final.truncated).toBe(true);
    expect(final.rowCount).toBe(50_000);
  });

  it("downloads every row of a result cut at the cap by running it again, in the stored download's format", async () => {
    const sql =
      "SELECT i, (i * 7919)::DECIMAL(38,10) / 3 AS d, TIMESTAMP '2024-01-01 00:00:00.000001' + to_microseconds(i) AS t, CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN '' ELSE 'a,\"b\"\n' || i END AS s FROM range(300000) t(i)";
    const { final } = await run(sql);
    expect(final.truncated).toBe(true);
    const engineOf = async () => engine;
    const { body } = await runs.allRowsCsv(me, final.id, engineOf);
    const all = await new Response(body).text();
    const stored = await csvText(final.id);
    // The stored rows are the first rows of the full download, byte for byte.
    expect(all.startsWith(stored)).toBe(true);
    const rows = parse(all, { relax_column_count: false }) as string[][];
    expect(rows).toHaveLength(300_001);
    expect(rows[0]).toEqual(["i", "d", "t", "s"]);
    // The last row, as the grid shows it when the query picks it alone.
    const last = await run(`SELECT * FROM (${sql}) WHERE i = 299999`, "last");
    expect(rows[300_000]).toEqual(last.page?.rows[0]);
    expect(rows[300_000][3]).toBe('a,"b"\n299999');
    expect(rows[1]).toEqual(["0", "0.0", "2024-01-01 00:00:00.000001", ""]);
    // Nothing of it stays on disk.
    expect(fs.readdirSync(path.join(dataDir, "results", "tmp")).filter((f) => f.includes("-all-"))).toEqual([]);
  });

  it("stops the query when a full download is abandoned, and refuses what must not run again", async () => {
    const { final } = await run("SELECT i, repeat('x', 200) AS pad FROM range(100000000) t(i)");
    expect(final.truncated).toBe(true);
    const engineOf = async () => engine;
    const { body } = await runs.allRowsCsv(me, final.id, engineOf);
    const reader = body.getReader();
    let bytes = 0;
    while (bytes < 1_000_000) bytes += (await reader.read()).value?.byteLength ?? 0;
    expect(runs.fullDownloadsRunning()).toBe(1);
    await reader.cancel();
    // The statement is stopped and its session closed: the server runs the next query at once.
    expect(runs.fullDownloadsRunning()).toBe(0);
    expect((await run("SELECT 42 AS n", "after")).page?.rows).toEqual([["42"]]);
    expect(fs.readdirSync(path.join(dataDir, "results", "tmp")).filter((f) => f.includes("-all-"))).toEqual([]);

    await expect(runs.allRowsCsv(other, final.id, engineOf)).rejects.toThrow(NOT_FOUND);
    const several = await run("CREATE OR REPLACE TABLE twice AS SELECT 1 AS a; SELECT range FROM range(60000)");
    await expect(runs.allRowsCsv(me, several.final.id, engineOf)).rejects.toThrow(/single query/);
    // A complete result comes from the store.
    const small = await run("SELECT 1 AS one");
    expect(await new Response((await runs.allRowsCsv(me, small.final.id, engineOf)).body).text()).toBe("one\r\n1\r\n");
  });

  it("reports errors with their position in the submitted text", async () => {
    const { final } = await run("SELECT 1;\nSELECT nope\n  FROM range(3)");
    expect(final.status).toBe("failed");
    expect(final.error?.message).toMatch(/Binder Error: Referenced column "nope" not found/);
    expect(final.error?.line).toBe(2);
    expect(final.error?.column).toBe(8);
    const syntax = await run("SELECT 'café', * FORM x");
    expect(syntax.final.error?.message).toMatch(/Parser Error/);
    expect(syntax.final.error?.line).toBe(1);
  });

  it("says what DDL and DML statements did", async () => {
    const { final } = await run("CREATE OR REPLACE TABLE t1 (a INT); INSERT INTO t1 VALUES (1), (2), (3)");
    expect(final.status).toBe("succeeded");
    expect(final.message).toBe("2 of 2 statements run. Last: INSERT: 3 rows affected.");
    const { page } = await run("SELECT sum(a) FROM workspace.default.t1");
    expect(page?.rows).toEqual([["6"]]);
  });

  it("cancels a long statement on the engine", async () => {
    const started = await runs.startRun(
      me,
      {
        sql: "SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range",
        lane: "cancel",
        connectionId: "builtin",
        pageSize: 100,
      },
      engine,
    );
    expect(started.run.status).toBe("running");
    const cancelled = await runs.cancelRun(me, started.run.id);
    expect(cancelled.status).toBe("cancelled");
    // The connection is free again: the next run in the same lane works.
    const again = await runs.startRun(
      me,
      { sql: "SELECT 42", lane: "cancel", connectionId: "builtin", pageSize: 100 },
      engine,
    );
    expect((await finished(again.run.id)).status).toBe("succeeded");
  });

  it("refuses bad input with clear messages", async () => {
    await expect(
      runs.startRun(me, { sql: "  -- nothing\n ; ", lane: "x", connectionId: "builtin", pageSize: 100 }, engine),
    ).rejects.toThrow(/no SQL to run/);
    const huge = `SELECT '${"x".repeat(1024 * 1024)}'`;
    await expect(
      runs.startRun(me, { sql: huge, lane: "x", connectionId: "builtin", pageSize: 100 }, engine),
    ).rejects.toThrow(/the limit is 1\.0 MB/);
    await expect(runs.readPage(me, "0".repeat(32), 0, 10, null)).rejects.toThrow(NOT_FOUND);
    await expect(runs.readPage(me, "../../etc", 0, 10, null)).rejects.toThrow(NOT_FOUND);
  });

  it("refuses a second run in the same editor while one is running", async () => {
    const first = await runs.startRun(
      me,
      {
        sql: "SELECT count(*) FROM range(100000000000)",
        lane: "busy",
        connectionId: "builtin",
        pageSize: 100,
      },
      engine,
    );
    await expect(
      runs.startRun(me, { sql: "SELECT 1", lane: "busy", connectionId: "builtin", pageSize: 100 }, engine),
    ).rejects.toThrow(/already running/);
    await runs.cancelRun(me, first.run.id);
  });

  it("shows another user's run as not found", async () => {
    const { run: started } = await run("SELECT 1");
    await expect(runs.readPage(other, started.id, 0, 10, null)).rejects.toThrow(NOT_FOUND);
    await expect(runs.csvDownload(other, started.id)).rejects.toThrow(NOT_FOUND);
    await expect(runs.runState(other, started.id, 0, 0)).rejects.toThrow(NOT_FOUND);
  });

  it("deletes stored results once they are older than the retention period", async () => {
    const { run: started } = await run("SELECT 1 AS kept_for_a_while");
    const { runtime, sweepExpired } = await import("@/lib/server/runtime");
    const rt = await runtime();
    expect(await sweepExpired(rt)).toBe(0);
    const tomorrow = new Date(Date.now() + 25 * 3_600_000);
    expect(await sweepExpired(rt, tomorrow)).toBeGreaterThan(0);
    await expect(runs.readPage(me, started.id, 0, 10, null)).rejects.toThrow(/no longer stored/);
    // The history entry stays.
    expect((await runs.runState(me, started.id, 0, 0)).status).toBe("succeeded");
    const tables = await rt.store.read(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'r_${started.id}'`);
    expect(Number(tables[0][0])).toBe(0);
  });

  it("sorts a stored result without re-running it", async () => {
    const { run: started } = await run("SELECT range AS n, range % 3 AS m FROM range(1000)");
    const page = await runs.readPage(me, started.id, 0, 3, { column: 0, direction: "desc" });
    expect(page.rows).toEqual([
      ["999", "0"],
      ["998", "2"],
      ["997", "1"],
    ]);
  });

  it("pages through a sort at any depth exactly as ORDER BY would, and drops its index with the result", async () => {
    // 40,000 rows, duplicates and NULLs in the sorted column: ties keep stored order, NULLs come last.
    const sql =
      "SELECT range AS n, CASE WHEN range % 7 = 0 THEN NULL ELSE (range * 7919) % 1000 END AS k FROM range(40000)";
    const { run: started } = await run(sql);
    const rt = await runtime();
    for (const direction of ["asc", "desc"] as const) {
      const dir = direction.toUpperCase();
      for (const offset of [0, 12_345, 39_990]) {
        const truth = await rt.store.read(
          `SELECT rowid, CAST(c0 AS VARCHAR), CAST(c1 AS VARCHAR) FROM r_${started.id} ORDER BY c1 ${dir} NULLS LAST, rowid LIMIT 50 OFFSET ${offset}`,
        );
        const page = await runs.readPage(me, started.id, offset, 50, { column: 1, direction });
        expect(page.rows).toEqual(truth.map((r) => [r[1], r[2]]));
        expect(page.rowIds).toEqual(truth.map((r) => Number(r[0])));
      }
    }
    // Two sorts, two indexes; both go with the result.
    const indexes = `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'o\\_${started.id}\\_%' ESCAPE '\\'`;
    expect(Number((await rt.store.read(indexes))[0][0])).toBe(2);
    await rt.store.drop(started.id);
    expect(Number((await rt.store.read(indexes))[0][0])).toBe(0);
  });
});
