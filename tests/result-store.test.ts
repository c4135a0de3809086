import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import type { StoredColumn } from "@/lib/server/engines/types";
import { TABLE_BYTES } from "@/lib/server/runs/chunk-bytes";
import { type Caps, ResultStore } from "@/lib/server/runs/result-store";

// Results larger than one stage (one row group) exercise staging and moving.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-store-"));
/** Budgets far above what these tests store (tests/result-budget.test.ts tests small ones). */
const roomy = { results: 1e12, perMember: 1e12, files: 1e12 };
const store = await ResultStore.open({ dir, memoryLimit: "64MB", budget: roomy });
const source = await DuckDBInstance.create(":memory:");
let runs = 0;

afterAll(() => {
  store.close();
  source.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Streams `sql` into a new stored result; returns the run id, the writer and how often rows became visible. */
async function storeResult(sql: string, caps: Caps = { maxRows: 1e9, maxBytes: 1e12 }, into: ResultStore = store) {
  const runId = (++runs).toString(16).padStart(32, "0");
  const connection = await source.connect();
  const result = await connection.stream(sql);
  const names = result.columnNames();
  const columns: StoredColumn[] = result
    .columnTypes()
    .map((storageType, i) => ({ name: names[i], type: storageType.toString(), storageType }));
  const seen: number[] = [];
  const writer = await into.createWriter(runId, "owner", columns, caps, () => seen.push(writer.visibleRows));
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      if (!(await writer.append(chunk))) break;
    }
    await writer.finish();
  } finally {
    await writer.close();
    connection.closeSync();
  }
  return { runId, writer, seen };
}

async function stagingTables(): Promise<number> {
  const [[count]] = await store.read("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'staging'");
  return Number(count);
}

describe("the result store's writer", () => {
  it("stores a result of many stages in order, readable as it grows", async () => {
    const { runId, writer, seen } = await storeResult("SELECT i, 'row ' || i AS label FROM range(700000) t(i)");
    expect(writer.visibleRows).toBe(700_000);
    expect(writer.capped).toBe(false);
    // The first batch is readable on its own, before the rest.
    expect(seen[0]).toBeLessThanOrEqual(2048);
    expect(seen.at(-1)).toBe(700_000);
    for (const offset of [0, 122_879, 122_880, 245_760, 491_519, 699_990]) {
      const page = await store.page(runId, { offset, limit: 10 });
      expect(page.rows[0]).toEqual([String(offset), `row ${offset}`]);
      expect(page.rowIds[0]).toBe(offset);
    }
    const [[count, ordered]] = await store.read(`SELECT count(*), bool_and(c0 = rowid) FROM r_${runId}`);
    expect([Number(count), ordered]).toEqual([700_000, true]);
    expect(await stagingTables()).toBe(0);
  });

  it("keeps working on a results file written in DuckDB's older storage format", async () => {
    // Files made before the store wrote the newest format keep theirs: old
    // results stay readable and new ones are stored beside them.
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-store-old-"));
    try {
      const old = await DuckDBInstance.create(path.join(oldDir, "results.duckdb"));
      const connection = await old.connect();
      await connection.run("CREATE TABLE r_ffffffffffffffffffffffffffffffff AS SELECT i AS c0 FROM range(1000) t(i)");
      connection.closeSync();
      old.closeSync();
      const reopened = await ResultStore.open({ dir: oldDir, memoryLimit: "64MB", budget: roomy });
      try {
        const before = await reopened.page("f".repeat(32), { offset: 990, limit: 5 });
        expect(before.rows).toEqual([["990"], ["991"], ["992"], ["993"], ["994"]]);
        const { runId, writer } = await storeResult(
          "SELECT i, 'row ' || i AS label FROM range(300000) t(i)",
          undefined,
          reopened,
        );
        expect(writer.visibleRows).toBe(300_000);
        const page = await reopened.page(runId, { offset: 299_998, limit: 10 });
        expect(page.rows).toEqual([
          ["299998", "row 299998"],
          ["299999", "row 299999"],
        ]);
      } finally {
        reopened.close();
      }
    } finally {
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it("stops at the row cap in the middle of a stage", async () => {
    const { runId, writer } = await storeResult("SELECT i FROM range(600000) t(i)", {
      maxRows: 300_001,
      maxBytes: 1e12,
    });
    expect(writer.capped).toBe(true);
    expect(writer.visibleRows).toBe(300_001);
    const page = await store.page(runId, { offset: 299_990, limit: 100 });
    expect(page.rows).toHaveLength(11);
    expect(page.rows.at(-1)).toEqual(["300000"]);
    expect(await stagingTables()).toBe(0);
  });

  it("stops at the byte cap", async () => {
    const { writer } = await storeResult("SELECT repeat('x', 100) AS text FROM range(100000)", {
      maxRows: 1e9,
      maxBytes: 1_000_000,
    });
    expect(writer.capped).toBe(true);
    expect(writer.visibleRows).toBeGreaterThan(5_000);
    expect(writer.visibleRows).toBeLessThan(10_000);
  });

  it("keeps what was stored and leaves no stage behind when the source fails", async () => {
    const runId = (++runs).toString(16).padStart(32, "0");
    const connection = await source.connect();
    const result = await connection.stream("SELECT i FROM range(300000) t(i)");
    const [storageType] = result.columnTypes();
    const writer = await store.createWriter(runId, "owner", [{ name: "i", type: "BIGINT", storageType }], {
      maxRows: 1e9,
      maxBytes: 1e12,
    });
    for (let i = 0; i < 10; i++) {
      const chunk = await result.fetchChunk();
      if (chunk) await writer.append(chunk);
    }
    // The source fails here: the run keeps what it has, as runs.ts does.
    await writer.finish();
    await writer.close();
    connection.closeSync();
    expect(writer.visibleRows).toBe(20_480);
    const [[count]] = await store.read(`SELECT count(*) FROM r_${runId}`);
    expect(Number(count)).toBe(20_480);
    expect(await stagingTables()).toBe(0);
  });
});

describe("the result store's CSV download", () => {
  async function text(body: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(body).text();
  }

  it("writes every row once, in order, across segments of growing size", async () => {
    // 1.1M rows: segments of 1, 1, 2, 4 and 4 row groups, and a last short one.
    const rows = 1_100_000;
    const { runId } = await storeResult(`SELECT i, 'row ' || i AS label FROM range(${rows}) t(i)`);
    const csv = await text(store.csv(runId, rows, "i,label\r\n", "owner"));
    const lines = csv.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.length - 2).toBe(rows);
    expect(lines[0]).toBe("i,label");
    const outOfOrder = lines.slice(1, -1).findIndex((line, i) => line !== `${i},row ${i}`);
    expect(outOfOrder).toBe(-1);
    expect(fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.endsWith(".csv"))).toEqual([]);
  });

  it("stops writing and removes its files when the reader goes away", async () => {
    const rows = 1_000_000;
    const { runId } = await storeResult(`SELECT i FROM range(${rows}) t(i)`);
    const reader = store.csv(runId, rows, "i\r\n", "owner").getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).startsWith("i\r\n")).toBe(true);
    await reader.read();
    await reader.cancel();
    await expect
      .poll(() => fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.endsWith(".csv")), { timeout: 10_000 })
      .toEqual([]);
  });
});

describe("the result store's ledger across restarts", () => {
  it("knows what each result holds after a restart, and measures a result a crash cut off", async () => {
    const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-store-ledger-"));
    try {
      const first = await ResultStore.open({ dir: ledgerDir, memoryLimit: "64MB", budget: roomy });
      const { runId: kept, writer } = await storeResult(
        "SELECT i, 'row ' || i AS label FROM range(300000) t(i)",
        undefined,
        first,
      );
      const held = first.budget.holding(kept);
      expect(held).toMatchObject({ owner: "owner", rows: 300_000 });
      expect(held?.bytes).toBe(TABLE_BYTES + writer.bytes);
      // A writer that never closes, as when the process dies mid-run.
      const cutOff = (++runs).toString(16).padStart(32, "0");
      const connection = await source.connect();
      const result = await connection.stream("SELECT i FROM range(200000) t(i)");
      const [storageType] = result.columnTypes();
      const orphan = await first.createWriter(cutOff, "owner", [{ name: "i", type: "BIGINT", storageType }], {
        maxRows: 1e9,
        maxBytes: 1e12,
      });
      for (let i = 0; i < 70; i++) {
        const chunk = await result.fetchChunk();
        if (chunk) await orphan.append(chunk);
      }
      await orphan.finish();
      connection.closeSync();
      first.close();

      const second = await ResultStore.open({ dir: ledgerDir, memoryLimit: "64MB", budget: roomy });
      try {
        expect(second.budget.holding(kept)).toMatchObject({ owner: "owner", rows: 300_000, bytes: held?.bytes });
        expect(second.unmeasured).toEqual([cutOff]);
        await second.measure(cutOff, "owner");
        // Read back, it is measured as its writer would have: 9 bytes a BIGINT and the table's block.
        expect(second.budget.holding(cutOff)).toMatchObject({ rows: orphan.visibleRows });
        expect(second.budget.holding(cutOff)?.bytes).toBe(TABLE_BYTES + orphan.visibleRows * 9);
      } finally {
        second.close();
      }
    } finally {
      fs.rmSync(ledgerDir, { recursive: true, force: true });
    }
  });
});
