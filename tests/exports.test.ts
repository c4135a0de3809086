import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import { type ExportFormat, type ExportOptions, XLSX_MAX_CELL_CHARS, XLSX_MAX_ROWS } from "@/lib/exports/formats";
import { excelUnescape } from "@/lib/exports/xlsx-cells";
import type { RunView } from "@/lib/results/types";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

const dataDir = prepareTempDataDir();
process.env.LAKEBOOK_RESULT_MAX_ROWS = "1100000";

const runs = await import("@/lib/server/runs/runs");
const { storedExport, allRowsExport } = await import("@/lib/server/runs/exports");
const progress = await import("@/lib/server/runs/download-progress");
const { runtime } = await import("@/lib/server/runtime");
const rt = await runtime();
const engine = rt.engine;
const engineOf = async () => engine;
const me = await createTestUser();
const other = await createTestUser();
const out = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-exports-"));
// An independent reader: a DuckDB of the test's own, reading the downloaded files.
const reader = await (await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" })).connect();

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
  return (await finished(started.run.id)) as RunView;
}

const opts = (format: ExportFormat, more: Partial<ExportOptions> = {}): ExportOptions => ({
  format,
  bom: false,
  safe: false,
  ...more,
});

async function save(body: ReadableStream<Uint8Array>, name: string): Promise<string> {
  const file = path.join(out, name);
  fs.writeFileSync(file, Buffer.from(await new Response(body).arrayBuffer()));
  return file;
}

/** The stored values as DuckDB's text: what every format must give back. */
async function storedText(id: string, columns: number): Promise<(string | null)[][]> {
  const list = Array.from({ length: columns }, (_, i) => `CAST(c${i} AS VARCHAR)`).join(", ");
  return (await rt.store.read(`SELECT ${list} FROM r_${id} ORDER BY rowid`)) as (string | null)[][];
}

/** A downloaded file read back by DuckDB, every value as DuckDB's text. */
async function readBack(from: string, columns: string[]): Promise<(string | null)[][]> {
  const list = columns.map((c) => `CAST("${c.replaceAll('"', '""')}" AS VARCHAR)`).join(", ");
  return (await reader.runAndReadAll(`SELECT ${list} FROM ${from}`)).getRows() as (string | null)[][];
}

async function xlsxRows(file: string, sheet = 1): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const rows: unknown[][] = [];
  book.getWorksheet(sheet)?.eachRow({ includeEmpty: true }, (row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

function tmpFiles(): string[] {
  return fs.readdirSync(path.join(dataDir, "results", "tmp")).filter((f) => !f.startsWith("spill"));
}

const TRICKY = "SELECT * FROM samples.demo.tricky_values ORDER BY id";
const HOSTILE = `SELECT * FROM (VALUES
  (1, '=cmd|'' /C calc''!A0', -5, repeat('é', 1048576)),
  (2, '+1', 5, '@SUM(A1)'),
  (3, '-2', 0, E'\\ttab'),
  (4, chr(1) || '_x0041_' || chr(31), 9007199254740993, '"quoted", and, commas'),
  (5, NULL, NULL, '')) t(id, "text", "n", "long")`;

let tricky: RunView;
let hostile: RunView;

beforeAll(async () => {
  tricky = await run(TRICKY);
  hostile = await run(HOSTILE, "h");
}, 120_000);

describe("exports of a stored result, read back by an independent reader", () => {
  it.each([
    ["csv", (f: string) => `read_csv('${f}', header = true, all_varchar = true, allow_quoted_nulls = false)`],
    [
      "tsv",
      (f: string) => `read_csv('${f}', delim = '\t', header = true, all_varchar = true, allow_quoted_nulls = false)`,
    ],
    ["ndjson", (f: string) => `read_json('${f}', format = 'newline_delimited')`],
    ["json", (f: string) => `read_json('${f}', format = 'array')`],
    ["parquet", (f: string) => `read_parquet('${f}')`],
  ] as const)("%s gives back the tricky values table exactly", async (format, from) => {
    const { body, record } = await storedExport(me, tricky.id, opts(format));
    const file = await save(body, `tricky.${format}`);
    const names = record.columns.map((c) => c.name);
    const expected = await storedText(tricky.id, names.length);
    expect(await readBack(from(file), names)).toEqual(expected);
    expect(tmpFiles()).toEqual([]);
  });

  it("JSON carries BIGINT, HUGEINT and DECIMAL as strings, so a JavaScript reader gets them exactly", async () => {
    const { body } = await storedExport(me, tricky.id, opts("json"));
    const rows = JSON.parse(await new Response(body).text()) as Record<string, unknown>[];
    expect(rows[0].big_id).toBe("9007199254740993");
    expect(rows[0].amount).toBe("1234567890123456789012345678.0123456789");
    expect(rows[0].huge).toBe("170141183460469231731687303715884105727");
    expect(rows[0].happened_at).toBe("2024-02-29 23:59:59.999999");
    expect(rows[0].id).toBe(1);
    expect(rows[1].ratio).toBe(-1.7976931348623157e308);
    expect(rows[6].big_id).toBeNull();
  });

  it("Excel cells: numbers where Excel keeps every digit, exact text otherwise", async () => {
    const { body, record } = await storedExport(me, tricky.id, opts("xlsx"));
    const file = await save(body, "tricky.xlsx");
    const [header, ...rows] = await xlsxRows(file);
    expect(header).toEqual(record.columns.map((c) => c.name));
    const expected = await storedText(tricky.id, record.columns.length);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, r) => {
      expected[r].forEach((value, c) => {
        const cell = row[c] ?? null;
        if (typeof cell === "number") expect(cell, `${r},${c}`).toBe(Number(value));
        else if (typeof cell === "boolean") expect(String(cell)).toBe(value);
        // An empty text is an empty cell: Excel tells the two apart no more than a person does.
        else expect(cell === null ? null : excelUnescape(String(cell)), `${r},${c}`).toBe(value === "" ? null : value);
      });
    });
    // Beyond 15 digits a number cell would round: those are text.
    expect(rows[0][2]).toBe("9007199254740993");
    expect(rows[0][3]).toBe("1234567890123456789012345678.0123456789");
    expect(rows[1][0]).toBe(2);
  });

  it("CSV with a byte-order mark and spreadsheet-safe cells: formulas defused, numbers left alone", async () => {
    const { body } = await storedExport(me, hostile.id, opts("csv", { bom: true, safe: true }));
    const bytes = Buffer.from(await new Response(body).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const file = path.join(out, "safe.csv");
    fs.writeFileSync(file, bytes.subarray(3));
    const rows = await readBack(
      `read_csv('${file}', header = true, all_varchar = true, allow_quoted_nulls = false, max_line_size = 4000000)`,
      ["id", "text", "n", "long"],
    );
    expect(rows[0][1]).toBe("'=cmd|' /C calc'!A0");
    expect(rows[0][2]).toBe("-5");
    expect(rows[0][3]).toHaveLength(1048576);
    expect(rows[1].slice(1)).toEqual(["'+1", "5", "'@SUM(A1)"]);
    expect(rows[2].slice(1)).toEqual(["'-2", "0", "'\ttab"]);
    expect(rows[3][3]).toBe('"quoted", and, commas');
    expect(rows[4].slice(1)).toEqual([null, null, ""]);
    // Without the option, the values are as stored.
    const plain = await new Response((await storedExport(me, hostile.id, opts("tsv"))).body).text();
    expect(plain.split("\n")[1].startsWith("1\t=cmd|' /C calc'!A0\t-5\t")).toBe(true);
  });

  it("Excel keeps control characters (escaped) and cuts 1 MiB cells at its limit, saying so", async () => {
    const { body } = await storedExport(me, hostile.id, opts("xlsx"));
    const file = await save(body, "hostile.xlsx");
    const rows = await xlsxRows(file);
    expect(excelUnescape(String(rows[4][1]))).toBe("\u0001_x0041_\u001f");
    expect(String(rows[1][3])).toHaveLength(XLSX_MAX_CELL_CHARS);
    expect(rows[1][1]).toBe("=cmd|' /C calc'!A0");
    const notes = await xlsxRows(file, 2);
    expect(String(notes[0][0])).toContain("1 cells held more than Excel's 32,767 characters");
    expect(notes[1][0]).toBe("row 1, column long");
  });

  it("refuses an Excel download past Excel's rows before starting, and what is not the member's", async () => {
    const big = await run(`SELECT range AS i FROM range(${XLSX_MAX_ROWS + 1})`, "big");
    await expect(storedExport(me, big.id, opts("xlsx"))).rejects.toThrow(/an Excel sheet holds at most 1,048,575/);
    await expect(storedExport(other, tricky.id, opts("parquet"))).rejects.toThrow(NOT_FOUND);
    await expect(storedExport(me, "ab".repeat(16), opts("csv"))).rejects.toThrow(NOT_FOUND);
    await expect(storedExport(me, "../../etc/passwd", opts("csv"))).rejects.toThrow(NOT_FOUND);
    await expect(allRowsExport(other, tricky.id, opts("ndjson"), engineOf)).rejects.toThrow(NOT_FOUND);
    // A run still running has no whole result yet.
    const running = await runs.startRun(
      me,
      { sql: "SELECT range AS i FROM range(10000000000)", lane: "running", connectionId: "builtin", pageSize: 100 },
      engine,
    );
    for (const format of ["csv", "parquet", "xlsx"] as const)
      await expect(storedExport(me, running.run.id, opts(format))).rejects.toThrow(/still running/);
    await runs.cancelRun(me, running.run.id);
  });
});

describe("a download of the view the grid shows", () => {
  const VIEW_SQL = "SELECT range AS n, 'row ' || range AS label, (range % 7)::INTEGER AS bucket FROM range(300000)";
  let big: RunView;
  beforeAll(async () => {
    big = await run(VIEW_SQL, "v");
  }, 120_000);

  /** DuckDB's own answer over the same rows, as text. */
  async function truth(where: string, order: string): Promise<(string | null)[][]> {
    return (
      await reader.runAndReadAll(
        `SELECT n::VARCHAR, label, bucket::VARCHAR FROM (${VIEW_SQL}) WHERE ${where} ORDER BY ${order}`,
      )
    ).getRows() as (string | null)[][];
  }

  const filter = {
    columns: [
      { column: 2, op: "in" as const, values: ["3", "5"] },
      { column: 0, op: "range" as const, min: "1000", max: null },
    ],
    search: "",
  };

  it.each([
    ["csv", (f: string) => `read_csv('${f}', header = true, all_varchar = true)`],
    ["ndjson", (f: string) => `read_json('${f}', format = 'newline_delimited')`],
    ["parquet", (f: string) => `read_parquet('${f}')`],
  ] as const)("%s of a filtered, sorted view has its rows in its order, and only them", async (format, from) => {
    const sort = { column: 0, direction: "desc" as const };
    const { body } = await storedExport(me, big.id, opts(format), null, { filter, sort });
    const file = await save(body, `view.${format}`);
    const expected = await truth("bucket IN (3, 5) AND n >= 1000", "n DESC");
    expect(await readBack(from(file), ["n", "label", "bucket"])).toEqual(expected);
    expect(tmpFiles()).toEqual([]);
  });

  it("Excel of a view, and a sort alone, read the view's index too", async () => {
    const { body } = await storedExport(me, tricky.id, opts("xlsx"), null, {
      filter: { columns: [{ column: 0, op: "range", min: "3", max: "5" }], search: "" },
      sort: null,
    });
    const rows = await xlsxRows(await save(body, "view.xlsx"));
    expect(rows.slice(1).map((r) => r[0])).toEqual([3, 4, 5]);
    const sorted = await storedExport(me, big.id, opts("csv"), null, {
      filter: null,
      sort: { column: 0, direction: "desc" },
    });
    const text = await new Response(sorted.body).text();
    expect(text.split("\r\n").slice(1, 3)).toEqual(["299999,row 299999,0", "299998,row 299998,6"]);
  });

  it("refuses a view another member asks for, and a filter that cannot apply", async () => {
    await expect(storedExport(other, big.id, opts("csv"), null, { filter, sort: null })).rejects.toThrow(NOT_FOUND);
    await expect(
      storedExport(me, big.id, opts("csv"), null, {
        filter: { columns: [{ column: 1, op: "range", min: "a", max: null }], search: "" },
        sort: null,
      }),
    ).rejects.toThrow("A range applies to numbers");
  });
});

describe("every row of a result cut at the cap", () => {
  const sql =
    "SELECT i, (i * 7919)::DECIMAL(38,10) / 3 AS d, i::BIGINT * 1000000007 AS b, TIMESTAMP '2024-01-01 00:00:00.000001' + to_microseconds(i) AS t FROM range(1200000) t(i)";
  let cut: RunView;
  beforeAll(async () => {
    cut = await run(sql, "cut");
    expect(cut.truncated).toBe(true);
  }, 120_000);

  it.each([
    ["ndjson", (f: string) => `read_json('${f}', format = 'newline_delimited', sample_size = -1)`],
    ["tsv", (f: string) => `read_csv('${f}', delim = '\t', header = true, all_varchar = true)`],
    ["parquet", (f: string) => `read_parquet('${f}')`],
  ] as const)("%s has every row, exactly", async (format, from) => {
    const last = `SELECT CAST(b AS VARCHAR), CAST(d AS VARCHAR), CAST(t AS VARCHAR) FROM (${sql}) WHERE i = 1199999`;
    const expected = (await reader.runAndReadAll(last)).getRows()[0];
    const { body } = await allRowsExport(me, cut.id, opts(format), engineOf);
    const file = await save(body, `all.${format}`);
    const counts = await reader.runAndReadAll(
      `SELECT count(*)::VARCHAR, max(CAST(b AS VARCHAR)) FILTER (WHERE CAST(i AS BIGINT) = 1199999), max(CAST(d AS VARCHAR)) FILTER (WHERE CAST(i AS BIGINT) = 1199999), max(CAST(t AS VARCHAR)) FILTER (WHERE CAST(i AS BIGINT) = 1199999) FROM ${from(file)}`,
    );
    expect(counts.getRows()[0]).toEqual(["1200000", ...expected]);
    expect(expected[0]).toBe("1199999008399993");
    expect(runs.fullDownloadsRunning()).toBe(0);
    expect(tmpFiles()).toEqual([]);
  });

  it("Excel stops at its row limit with a note", async () => {
    const { body } = await allRowsExport(me, cut.id, opts("xlsx"), engineOf);
    const file = await save(body, "all.xlsx");
    const book = new ExcelJS.stream.xlsx.WorkbookReader(file, {});
    let rows = 0;
    let notes: string | null = null;
    for await (const sheet of book) {
      for await (const row of sheet) {
        if ((sheet as unknown as { name: string }).name === "Lakebook notes")
          notes ??= String((row.values as unknown[])[1]);
        else rows++;
      }
    }
    expect(rows).toBe(XLSX_MAX_ROWS + 1);
    expect(notes).toContain("more rows than an Excel sheet holds");
    expect(runs.fullDownloadsRunning()).toBe(0);
    // Writing and reading back a million-row workbook takes half a minute on a quiet machine.
  }, 240_000);

  it("an abandoned download frees its slot, its files and its pins", async () => {
    for (const format of ["json", "xlsx"] as const) {
      const { body } = await allRowsExport(me, cut.id, opts(format), engineOf);
      const read = body.getReader();
      let bytes = 0;
      while (bytes < 200_000) bytes += (await read.read()).value?.byteLength ?? 0;
      expect(runs.fullDownloadsRunning()).toBe(1);
      await read.cancel();
      expect(runs.fullDownloadsRunning()).toBe(0);
    }
    // Parquet stages every row before its first byte: left while it stages, it stops the query and drops the table.
    const endless = await run("SELECT i, repeat('x', 100) AS pad FROM range(100000000) t(i)", "endless");
    const tracker = progress.trackDownload(me.id, "abandoned-parquet-0000");
    if (!tracker) throw new Error("not tracked");
    const { body: parquet } = await allRowsExport(me, endless.id, opts("parquet"), engineOf, undefined, tracker);
    const pending = parquet.getReader();
    const first = pending.read().catch(() => null);
    while (progress.downloadProgress(me.id, "abandoned-parquet-0000").rows < 300_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(runs.fullDownloadsRunning()).toBe(1);
    await pending.cancel();
    await first;
    expect(runs.fullDownloadsRunning()).toBe(0);
    expect(
      await rt.store.read("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'p\\_%' ESCAPE '\\'"),
    ).toEqual([]);
    const stored = await run("SELECT range AS i, md5(range::VARCHAR) AS h FROM range(300000)", "stored");
    for (const format of ["parquet", "xlsx", "csv"] as const) {
      const { body } = await storedExport(me, stored.id, opts(format));
      const read = body.getReader();
      await read.read();
      await read.read();
      expect(rt.store.budget.isPinned(stored.id)).toBe(true);
      await read.cancel();
      expect(rt.store.budget.isPinned(stored.id)).toBe(false);
    }
    expect(tmpFiles()).toEqual([]);
    expect(rt.store.budget.usage().files).toBe(0);
    expect((await run("SELECT 42 AS n", "after")).rowCount).toBe(1);
  });
});

describe("download progress and cancel", () => {
  it("counts rows and bytes, and a cancel ends the stream and frees what it held", async () => {
    const id = "progress-aaaaaaaaaaaaaaaa";
    const tracker = progress.trackDownload(me.id, id);
    expect(tracker).not.toBeNull();
    if (!tracker) return;
    const { body } = await storedExport(me, tricky.id, opts("csv"), tracker);
    const bytes = (await new Response(progress.trackedBody(body, tracker)).arrayBuffer()).byteLength;
    expect(progress.downloadProgress(me.id, id)).toEqual({
      state: "done",
      rows: 10,
      bytes,
      totalRows: 10,
      message: null,
    });
    // Another member's download, or a forged id, is not found; nor is an id reused.
    expect(() => progress.downloadProgress(other.id, id)).toThrow(NOT_FOUND);
    expect(() => progress.cancelDownload(other.id, id)).toThrow(NOT_FOUND);
    expect(progress.trackDownload(me.id, id)).toBeNull();
    expect(progress.trackDownload(me.id, "../bad id")).toBeNull();

    const big = await run("SELECT range AS i, repeat('x', 100) AS pad FROM range(1000000)", "big2");
    const second = progress.trackDownload(me.id, "progress-bbbbbbbbbbbbbbbb");
    if (!second) throw new Error("not tracked");
    const { body: long } = await storedExport(me, big.id, opts("ndjson"), second);
    const read = progress.trackedBody(long, second).getReader();
    await read.read();
    await read.read();
    expect(progress.downloadProgress(me.id, "progress-bbbbbbbbbbbbbbbb").state).toBe("running");
    progress.cancelDownload(me.id, "progress-bbbbbbbbbbbbbbbb");
    await expect(read.read()).rejects.toThrow(/cancelled/);
    const after = progress.downloadProgress(me.id, "progress-bbbbbbbbbbbbbbbb");
    expect(after.state).toBe("cancelled");
    expect(after.totalRows).toBe(1_000_000);
    // Its files and pin are released once the in-flight segments finish.
    for (let i = 0; i < 100 && (tmpFiles().length > 0 || rt.store.budget.isPinned(big.id)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tmpFiles()).toEqual([]);
    expect(rt.store.budget.isPinned(big.id)).toBe(false);

    // The browser going away halfway (its download cancelled there, the tab closed) is recorded as stopped.
    const third = progress.trackDownload(me.id, "progress-cccccccccccccccc");
    if (!third) throw new Error("not tracked");
    const { body: left } = await storedExport(me, big.id, opts("xlsx"), third);
    const leaving = progress.trackedBody(left, third).getReader();
    await leaving.read();
    await leaving.cancel();
    expect(progress.downloadProgress(me.id, "progress-cccccccccccccccc")).toMatchObject({
      state: "cancelled",
      message: "The download was stopped before it finished.",
    });
    expect(rt.store.budget.isPinned(big.id)).toBe(false);
  });
});
