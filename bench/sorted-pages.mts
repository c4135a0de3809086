// Sorted pages of a stored result, the two ways: ORDER BY … LIMIT/OFFSET per
// page (before) and a sort index built once, then rowid ranges (now). DuckDB
// alone, with the result store's memory limit. `node --import tsx
// bench/sorted-pages.mts [rows]`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

const rows = Number(process.argv[2] ?? 10_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-sort-"));
const time = async (label: string, work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  console.log(`${label.padEnd(40)} ${Math.round(performance.now() - started)} ms`);
};
try {
  const db = await DuckDBInstance.create(path.join(dir, "r.duckdb"), {
    memory_limit: "64MB",
    temp_directory: path.join(dir, "tmp"),
  });
  const c = await db.connect();
  await c.run(
    `CREATE TABLE t AS SELECT i AS c0, ((hash(i+1) % 9000)/100.0)::DECIMAL(10,2) AS c1, ['Cash','Card'][(1 + hash(i) % 2)::BIGINT] AS c2 FROM range(${rows}) t(i)`,
  );
  const deep = Math.floor(rows / 2);
  const last = rows - 100;
  for (const [label, offset, dir] of [
    ["offset 0", 0, "ASC"],
    ["offset n/2", deep, "ASC"],
    ["offset n-100, desc", last, "DESC"],
  ] as const)
    await time(`ORDER BY per page, ${label}`, () =>
      c.runAndReadAll(`SELECT * FROM t ORDER BY c1 ${dir} NULLS LAST, rowid LIMIT 100 OFFSET ${offset}`),
    );
  await time("sort index, built once", () =>
    c.run("CREATE TABLE o AS SELECT rowid AS src FROM t ORDER BY c1 ASC NULLS LAST, rowid"),
  );
  for (const [label, offset] of [
    ["offset 0", 0],
    ["offset n/2", deep],
    ["offset n-100", last],
  ] as const)
    await time(`sort index page, ${label}`, () =>
      c.runAndReadAll(
        `SELECT t.* FROM (SELECT src, rowid AS pos FROM o WHERE rowid >= ${offset} AND rowid < ${offset + 100}) x JOIN t ON t.rowid = x.src ORDER BY x.pos`,
      ),
    );
  c.closeSync();
  db.closeSync();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
