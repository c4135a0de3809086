import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { type ColumnFilter, filterParam, MAX_FILTER_PARAM_CHARS, type ResultFilter } from "@/lib/results/filters";
import { pageQuery } from "@/lib/schemas/runs";
import type { StoredColumn } from "@/lib/server/engines/types";
import { ResultStore } from "@/lib/server/runs/result-store";
import { MAX_VIEWS_PER_RUN } from "@/lib/server/runs/view-indexes";

/**
 * Filters over a whole stored result, against the real result store: every
 * page and count is compared with DuckDB's own answer over the same rows.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-filters-"));
const store = await ResultStore.open({
  dir,
  memoryLimit: "64MB",
  budget: { results: 1e12, perMember: 1e12, files: 1e12 },
});
const source = await DuckDBInstance.create(":memory:");
let runs = 0;

afterAll(() => {
  store.close();
  source.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The rows every test filters: text with the characters LIKE would treat as wildcards, numbers, times, NULLs. */
const ROWS = `
  SELECT i AS id,
         CASE i % 7 WHEN 0 THEN '100% sure' WHEN 1 THEN 'a_b' WHEN 2 THEN 'back\\slash' WHEN 3 THEN 'O''Brien'
                    WHEN 4 THEN 'ÄÖÜ straße' WHEN 5 THEN NULL ELSE 'plain ' || i END AS label,
         (i * 1.25)::DECIMAL(38, 2) AS amount,
         TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) MINUTE + INTERVAL (i % 1000) MICROSECOND AS at,
         CASE WHEN i % 11 = 0 THEN NULL ELSE 9007199254740993 + i END AS big
  FROM range(20000) t(i)`;

async function storeRows(sql: string): Promise<string> {
  const runId = (++runs).toString(16).padStart(32, "0");
  const connection = await source.connect();
  const result = await connection.stream(sql);
  const names = result.columnNames();
  const columns: StoredColumn[] = result
    .columnTypes()
    .map((storageType, i) => ({ name: names[i], type: storageType.toString(), storageType }));
  const writer = await store.createWriter(runId, "owner", columns, { maxRows: 1e9, maxBytes: 1e12 }, () => {});
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      await writer.append(chunk);
    }
    await writer.finish();
  } finally {
    await writer.close();
    connection.closeSync();
  }
  return runId;
}

const runId = await storeRows(ROWS);
const filter = (columns: ColumnFilter[], search = ""): ResultFilter => ({ columns, search });

/** DuckDB's own answer: the ids of `ROWS` where `where` holds, in `order`. */
async function truth(where: string, order = "id"): Promise<string[]> {
  const connection = await source.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT id::VARCHAR FROM (${ROWS}) WHERE ${where} ORDER BY ${order}`);
    return reader.getRows().map(([id]) => String(id));
  } finally {
    connection.closeSync();
  }
}

/** Every id of the filtered view, page by page, and the count it says. */
async function viewIds(f: ResultFilter, sort: { column: number; direction: "asc" | "desc" } | null = null) {
  const first = await store.page(runId, { offset: 0, limit: 1000 }, sort, f);
  const total = await store.viewRows(runId, f, sort);
  const ids = first.rows.map((r) => String(r[0]));
  for (let offset = 1000; offset < total; offset += 1000) {
    const page = await store.page(runId, { offset, limit: 1000 }, sort, f);
    expect(page.total).toBe(total);
    ids.push(...page.rows.map((r) => String(r[0])));
  }
  return { first, total, ids };
}

describe("filters over a stored result", () => {
  it.each<[string, ColumnFilter[], string, string]>([
    [
      "contains, literally and case-insensitively",
      [{ column: 1, op: "contains", value: "0% S" }],
      "",
      "contains(lower(label), '0% s')",
    ],
    ["% and _ as themselves", [{ column: 1, op: "contains", value: "a_b" }], "", "label = 'a_b'"],
    ["a backslash as itself", [{ column: 1, op: "equals", value: "back\\slash" }], "", "label = 'back\\slash'"],
    ["a quote as itself", [{ column: 1, op: "starts", value: "o'b" }], "", "label = 'O''Brien'"],
    ["non-ASCII text", [{ column: 1, op: "contains", value: "STRASSE" }], "", "false"],
    [
      "non-ASCII text, lower-cased as DuckDB does",
      [{ column: 1, op: "contains", value: "äöü" }],
      "",
      "label LIKE 'ÄÖÜ%'",
    ],
    ["is null", [{ column: 1, op: "null" }], "", "label IS NULL"],
    ["is not null", [{ column: 4, op: "notnull" }], "", "big IS NOT NULL"],
    [
      "a list of values",
      [{ column: 1, op: "in", values: ["a_b", "O'Brien", "nothing"] }],
      "",
      "label IN ('a_b', 'O''Brien')",
    ],
    ["an empty list", [{ column: 1, op: "in", values: [] }], "", "false"],
    ["a number as the grid shows it", [{ column: 0, op: "equals", value: "1234" }], "", "id = 1234"],
    ["a number's other spellings match nothing", [{ column: 0, op: "equals", value: "01234" }], "", "false"],
    ["an exact decimal", [{ column: 2, op: "equals", value: "1542.50" }], "", "amount = 1542.50"],
    ["a decimal written shorter than shown", [{ column: 2, op: "equals", value: "1542.5" }], "", "false"],
    ["a BIGINT past 2^53", [{ column: 4, op: "equals", value: "9007199254740995" }], "", "big = 9007199254740995"],
    [
      "a microsecond timestamp",
      [{ column: 3, op: "equals", value: "2024-01-01 00:07:00.000007" }],
      "",
      "\"at\" = TIMESTAMP '2024-01-01 00:07:00.000007'",
    ],
    ["text that is no number", [{ column: 0, op: "equals", value: "x'; DROP" }], "", "false"],
    [
      "a list of numbers, some spelt otherwise or not numbers at all",
      [{ column: 0, op: "in", values: ["7", "+8", "9.0", "10", "eleven"] }],
      "",
      "id IN (7, 10)",
    ],
    [
      "a range of exact decimals",
      [{ column: 2, op: "range", min: "100.00", max: "1000.25" }],
      "",
      "amount BETWEEN 100 AND 1000.25",
    ],
    [
      "an open range of BIGINTs past 2^53",
      [{ column: 4, op: "range", min: "9007199254750000", max: null }],
      "",
      "big >= 9007199254750000",
    ],
    [
      "a range of microsecond timestamps",
      [{ column: 3, op: "range", min: "2024-01-01 10:00:00.000600", max: "2024-01-02 00:00:00" }],
      "",
      "\"at\" BETWEEN TIMESTAMP '2024-01-01 10:00:00.000600' AND TIMESTAMP '2024-01-02 00:00:00'",
    ],
    ["one search over every column", [], "brien", "contains(lower(label), 'brien')"],
    [
      "a search that matches a number's text",
      [],
      "12345",
      "contains(id::VARCHAR, '12345') OR contains(amount::VARCHAR, '12345') OR contains(big::VARCHAR, '12345') OR contains(\"at\"::VARCHAR, '12345')",
    ],
    [
      "filters and a search together",
      [
        { column: 2, op: "range", min: "5000", max: null },
        { column: 1, op: "notnull" },
      ],
      "plain 1",
      "amount >= 5000 AND label IS NOT NULL AND contains(lower(label), 'plain 1')",
    ],
  ])("%s", async (_, columns, search, where) => {
    const expected = await truth(where);
    const { first, total, ids } = await viewIds(filter(columns, search));
    expect(total).toBe(expected.length);
    expect(ids).toEqual(expected);
    expect(first.rows.length).toBe(Math.min(1000, expected.length));
  });

  it("combines with sorting: NULLs last, ties in stored order", async () => {
    const f = filter([{ column: 2, op: "range", min: null, max: "2000" }]);
    const { ids } = await viewIds(f, { column: 4, direction: "desc" });
    expect(ids).toEqual(await truth("amount <= 2000", "big DESC NULLS LAST, id"));
  });

  it("answers the first page before the rows are counted, and every later page from the view", async () => {
    const f = filter([{ column: 1, op: "contains", value: "plain 19" }]);
    const first = await store.page(runId, { offset: 0, limit: 100 }, null, f);
    expect(first.total === null || first.total === (await truth("contains(lower(label), 'plain 19')")).length).toBe(
      true,
    );
    expect(first.rows.map((r) => String(r[0]))).toEqual(
      (await truth("contains(lower(label), 'plain 19')")).slice(0, 100),
    );
    // The cell behind a filtered row is the stored row.
    const cell = await store.cell(runId, first.rowIds[3], 1);
    expect(cell).toBe(first.rows[3][1]);
  });

  it("refuses what cannot apply, with a message", async () => {
    await expect(
      store.page(runId, { offset: 0, limit: 10 }, null, filter([{ column: 9, op: "null" }])),
    ).rejects.toThrow("There is no such column");
    await expect(
      store.page(runId, { offset: 0, limit: 10 }, null, filter([{ column: 1, op: "range", min: "a", max: null }])),
    ).rejects.toThrow("A range applies to numbers, dates and times");
    await expect(
      store.page(
        runId,
        { offset: 0, limit: 10 },
        null,
        filter([{ column: 3, op: "range", min: "2024-02-30", max: null }]),
      ),
    ).rejects.toThrow("“2024-02-30” is not a value of type TIMESTAMP");
    await expect(
      store.page(
        runId,
        { offset: 0, limit: 10 },
        null,
        filter([{ column: 4, op: "range", min: "1; DROP TABLE x", max: null }]),
      ),
    ).rejects.toThrow("is not a value of type BIGINT");
    await expect(
      store.page(runId, { offset: 0, limit: 10 }, null, filter([{ column: 1, op: "equals", value: "a\u0000b" }])),
    ).rejects.toThrow("NUL");
    // The stored result is untouched by all of it.
    const [[count]] = await store.read(`SELECT count(*) FROM r_${runId}`);
    expect(Number(count)).toBe(20_000);
  });

  it("takes a SQL-looking value, comment and wildcard characters as text", async () => {
    const sneaky = filter([{ column: 1, op: "contains", value: "') OR 1=1 OR ('" }]);
    expect((await viewIds(sneaky)).total).toBe(0);
    const huge = filter([], `${"'/*%_\\".repeat(200)}`);
    expect((await viewIds(huge)).total).toBe(0);
  });

  it("keeps at most MAX_VIEWS_PER_RUN views of a run, dropping the one used longest ago", async () => {
    const other = await storeRows("SELECT i AS id FROM range(100) t(i)");
    for (let i = 0; i < MAX_VIEWS_PER_RUN + 4; i++) {
      await store.viewRows(other, filter([{ column: 0, op: "range", min: String(i), max: null }]), null);
    }
    await expect
      .poll(async () =>
        Number(
          (
            await store.read(
              `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'v\\_${other}\\_%' ESCAPE '\\'`,
            )
          )[0][0],
        ),
      )
      .toBe(MAX_VIEWS_PER_RUN);
    // Removing the result removes its views.
    await store.remove(other, "expired");
    const [[left]] = await store.read(`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%${other}%'`);
    expect(Number(left)).toBe(0);
  });
});

describe("the filter in a page's URL", () => {
  const parse = (f: unknown) =>
    pageQuery.safeParse({ offset: "0", limit: "100", filter: typeof f === "string" ? f : JSON.stringify(f) });

  it("reads the filter the browser sends", () => {
    const f = filter([{ column: 1, op: "range", min: "1", max: null }], "x");
    const parsed = parse(filterParam(f));
    expect(parsed.success && parsed.data.filter).toEqual(f);
  });

  it.each([
    ["not JSON", "{"],
    ["an unknown operation", { columns: [{ column: 1, op: "regex", value: ".*" }], search: "" }],
    ["a negative column", { columns: [{ column: -1, op: "null" }], search: "" }],
    ["a value of the wrong kind", { columns: [{ column: 1, op: "contains", value: 42 }], search: "" }],
    ["too long", { columns: [], search: "x".repeat(MAX_FILTER_PARAM_CHARS) }],
    ["too many filters", { columns: Array.from({ length: 40 }, () => ({ column: 0, op: "null" })), search: "" }],
  ])("refuses %s", (_, f) => {
    expect(parse(f).success).toBe(false);
  });
});

describe("column profiles over a stored result", () => {
  /** DuckDB's own SUMMARIZE of one stored column, read in the store. */
  async function summarize(column: number) {
    const [row] = await store.read(`SELECT * FROM (SUMMARIZE SELECT c${column} FROM r_${runId})`);
    // column_name, column_type, min, max, approx_unique, avg, std, q25, q50, q75, count, null_percentage
    return row.map((v) => (v === null ? null : String(v)));
  }

  it.each([
    [2, "a DECIMAL(38,2)"],
    [3, "a microsecond TIMESTAMP"],
    [4, "a BIGINT past 2^53, with NULLs"],
  ])("profiles %s (%s) as SUMMARIZE does, with a histogram of every row", async (column) => {
    const profile = await store.profile(runId, column);
    const [, type, min, max, , , , q25, q50, q75, count, nullPercentage] = await summarize(column);
    expect(profile.type).toBe(type);
    expect(profile.rows).toBe(Number(count));
    // SUMMARIZE gives a rounded percentage of NULLs; the profile counts them.
    const [[nulls]] = await store.read(`SELECT count(*) - count(c${column}) FROM r_${runId}`);
    expect(profile.nulls).toBe(Number(nulls));
    expect(profile.nulls / profile.rows).toBeCloseTo(Number(nullPercentage) / 100, 3);
    expect([profile.min, profile.max]).toEqual([min, max]);
    // SUMMARIZE shows a decimal's quartiles rounded; the profile keeps the column's scale.
    if (column === 2)
      for (const [i, q] of [q25, q50, q75].entries())
        expect(Math.abs(Number(profile.quantiles?.[i]) - Number(q))).toBeLessThanOrEqual(1);
    else expect(profile.quantiles).toEqual([q25, q50, q75]);
    expect(profile.histogram.length).toBeGreaterThan(1);
    expect(profile.histogram.reduce((n, bin) => n + bin.count, 0)).toBe(profile.rows - profile.nulls);
    // Exact text of BIGINT and DECIMAL(38) extremes, never a JavaScript number's.
    if (column === 4) expect(profile.min).toBe("9007199254740994");
  });

  it("profiles text: nulls, distinct values and the most common values with exact counts", async () => {
    const profile = await store.profile(runId, 1);
    const [, , min, max, distinct, , , , , , count] = await summarize(1);
    expect(profile.kind).toBe("text");
    expect([profile.min, profile.max, profile.rows]).toEqual([min, max, Number(count)]);
    expect(Math.abs(profile.distinct - Number(distinct))).toBeLessThanOrEqual(Number(distinct) * 0.1);
    const truthRows = await store.read(
      `SELECT c1, count(*) FROM r_${runId} GROUP BY c1 ORDER BY count(*) DESC, c1 NULLS FIRST LIMIT 6`,
    );
    expect(profile.top.slice(0, 6)).toEqual(
      truthRows.map(([value, n]) => ({ value: value as string | null, count: Number(n) })),
    );
  });

  it("refuses a column the result does not have", async () => {
    const { readProfile } = await import("@/lib/server/runs/reads");
    expect(readProfile).toBeTypeOf("function");
    await expect(store.profile(runId, 99)).rejects.toThrow();
  });
});
