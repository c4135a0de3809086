// The store path of a run without the server, for the DuckDB baseline
// (direct.mts), and how the baseline opens DuckDB.
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import type { DuckDBAppender, DuckDBInstance } from "@duckdb/node-api";

/** The store path without the server (see streamAppend). */
export interface StreamAppendFigures {
  ms: number;
  firstMs: number | null;
  rows: number;
  fetchMs: number;
  appendMs: number;
}

/**
 * DuckDB is loaded only where it is used. A process that has merely imported
 * it spent 3-5x the CPU reading a download over HTTP (the bench's client,
 * 10M rows of CSV: 0.4-0.9 CPU-seconds without it, 1.6-3.0 with it; the cause
 * is not known), and the bench's own process is the client that measures the app.
 */
export async function duckdb(): Promise<typeof DuckDBInstance> {
  return (await import("@duckdb/node-api")).DuckDBInstance;
}

/** DuckDB settings of the baseline: no extension fetched or loaded, the given memory limit and spill directory. */
export function settings(memoryLimit: string, tempDir: string): Record<string, string> {
  return {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: memoryLimit,
    temp_directory: tempDir,
  };
}

let gc: ((options: { type: "minor" }) => void) | undefined;
function minorGc(): void {
  if (gc === undefined) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc");
  }
  gc?.({ type: "minor" });
}

/**
 * The store path of a run without the server (result-store.ts ResultWriter):
 * stream the query from one database (160MB) and append every chunk to a
 * staging table in memory in another (64MB, one thread, newest storage format); whenever no move is running and
 * a stage is full (one row group, 122,880 rows), 400 ms have passed, or it holds the first
 * batch, move it into the stored table with `INSERT … SELECT` in the
 * background, one move at a time. `fetchMs` is time spent waiting for
 * DuckDB's next chunk, `appendMs` time spent appending (and waiting for a
 * move when two stages are full), both on the JS thread.
 */
export async function streamAppend(query: string, dir: string): Promise<StreamAppendFigures> {
  const DuckDBInstance = await duckdb();
  const source = await DuckDBInstance.create(
    path.join(dir, "src.duckdb"),
    settings("160MB", path.join(dir, "spill-src")),
  );
  const store = await DuckDBInstance.create(path.join(dir, "store.duckdb"), {
    ...settings("64MB", path.join(dir, "spill-store")),
    threads: "1",
    storage_compatibility_version: "latest",
  });
  try {
    const sc = await source.connect();
    const tc = await store.connect();
    const mover = await store.connect();
    await tc.run("ATTACH ':memory:' AS staging");
    let firstMs: number | null = null;
    let rows = 0;
    let visible = 0;
    let chunks = 0;
    let fetchMs = 0;
    let appendMs = 0;
    let stages = 0;
    let stage: { name: string; appender: DuckDBAppender; rows: number } | null = null;
    let moving: Promise<void> | null = null;
    let movedAt = 0;
    const t0 = performance.now();
    const result = await sc.stream(query);
    const columns = result
      .columnTypes()
      .map((t, i) => `c${i} ${t.toString()}`)
      .join(", ");
    await tc.run(`CREATE TABLE r (${columns})`);
    const move = async () => {
      const current = stage;
      if (!current) return;
      stage = null;
      current.appender.closeSync();
      await moving;
      moving = mover
        .run(`INSERT INTO r SELECT * FROM staging.${current.name}; DROP TABLE staging.${current.name}`)
        .then(() => {
          visible += current.rows;
          movedAt = performance.now();
          firstMs ??= movedAt - t0;
          moving = null;
        });
    };
    // As the app's engine does: the next chunk is fetched while this one is appended.
    let next = result.fetchChunk();
    for (;;) {
      const f0 = performance.now();
      const chunk = await next;
      const f1 = performance.now();
      fetchMs += f1 - f0;
      if (!chunk || chunk.rowCount === 0) break;
      next = result.fetchChunk();
      if (!stage) {
        const name = `s${stages++}`;
        await tc.run(`CREATE TABLE staging.${name} (${columns})`);
        stage = { name, appender: await tc.createAppender(name, "main", "staging"), rows: 0 };
      }
      stage.appender.appendDataChunk(chunk);
      stage.rows += chunk.rowCount;
      rows += chunk.rowCount;
      chunks++;
      if (chunks % 16 === 0) minorGc();
      const due = moving === null && performance.now() - movedAt >= 400;
      if (stage.rows >= 122_880 || due || visible === 0) await move();
      appendMs += performance.now() - f1;
    }
    const c0 = performance.now();
    await move();
    await moving;
    appendMs += performance.now() - c0;
    const ms = performance.now() - t0;
    mover.closeSync();
    tc.closeSync();
    sc.closeSync();
    return { ms, firstMs, rows, fetchMs, appendMs };
  } finally {
    store.closeSync();
    source.closeSync();
  }
}
