// DuckDB on its own, in the bench process: the baseline the app is compared
// with. Same settings as the app's built-in warehouse (threads left to
// DuckDB, memory_limit 160MB, extensions never fetched).
import fs from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

function settings(memoryLimit, tempDir) {
  return {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    memory_limit: memoryLimit,
    temp_directory: tempDir,
  };
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * CREATE TABLE t AS <query>; COPY t TO 'x.csv' (HEADER); and, for the
 * analysis, the same CSV written the way the app's download writes it
 * (100k-row rowid segments, CRLF) and the same rows streamed chunk by chunk
 * into a second database through an appender (the app's store path without
 * HTTP or Next.js).
 */
export async function directBaseline(query, rows, dir, { appenderPath = true } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const out = {};
  const instance = await DuckDBInstance.create(
    path.join(dir, "direct.duckdb"),
    settings("160MB", path.join(dir, "spill")),
  );
  try {
    const c = await instance.connect();
    const [[threads, memory]] = (
      await c.runAndReadAll("SELECT current_setting('threads'), current_setting('memory_limit')")
    ).getRows();
    out.threads = Number(threads);
    out.memoryLimit = String(memory);

    out.ctasMs = (await timed(() => c.run(`CREATE TABLE t AS ${query}`))).ms;
    await c.run("CHECKPOINT");

    const csvFile = path.join(dir, "x.csv");
    out.copyMs = (await timed(() => c.run(`COPY t TO '${csvFile}' (HEADER)`))).ms;
    out.copyBytes = fs.statSync(csvFile).size;
    fs.rmSync(csvFile, { force: true });

    // The download's own recipe: COPY of each 100k-row rowid range, one after another.
    const segment = 100_000;
    const segFile = path.join(dir, "seg.csv");
    let segBytes = 0;
    out.segmentedCopyMs = (
      await timed(async () => {
        for (let from = 0; from < rows; from += segment) {
          const to = Math.min(rows, from + segment);
          await c.run(
            `COPY (SELECT * FROM t WHERE rowid >= ${from} AND rowid < ${to} ORDER BY rowid) TO '${segFile}' (FORMAT csv, HEADER false, NEW_LINE '\\r\\n', QUOTE '"', ESCAPE '"')`,
          );
          segBytes += fs.statSync(segFile).size;
        }
      })
    ).ms;
    out.segmentedCopyBytes = segBytes;
    fs.rmSync(segFile, { force: true });
    c.closeSync();
  } finally {
    instance.closeSync();
  }

  if (appenderPath) {
    // Query streamed from one database and appended to another, as runs.ts +
    // ResultWriter do (result store: memory_limit 64MB).
    const source = await DuckDBInstance.create(
      path.join(dir, "src.duckdb"),
      settings("160MB", path.join(dir, "spill-src")),
    );
    const store = await DuckDBInstance.create(
      path.join(dir, "store.duckdb"),
      settings("64MB", path.join(dir, "spill-store")),
    );
    try {
      const sc = await source.connect();
      const tc = await store.connect();
      let firstMs = null;
      let appended = 0;
      const t0 = performance.now();
      const result = await sc.stream(query);
      const types = result.columnTypes();
      await tc.run(`CREATE TABLE r (${types.map((t, i) => `c${i} ${t.toString()}`).join(", ")})`);
      const appender = await tc.createAppender("r");
      let fetchMs = 0;
      let appendMs = 0;
      for (;;) {
        const f0 = performance.now();
        const chunk = await result.fetchChunk();
        const f1 = performance.now();
        fetchMs += f1 - f0;
        if (!chunk || chunk.rowCount === 0) break;
        appender.appendDataChunk(chunk);
        appended += chunk.rowCount;
        if (firstMs === null) {
          appender.flushSync();
          firstMs = performance.now() - t0;
        }
        appendMs += performance.now() - f1;
      }
      const c0 = performance.now();
      appender.closeSync();
      appendMs += performance.now() - c0;
      out.streamAppend = { ms: performance.now() - t0, firstMs, rows: appended, fetchMs, appendMs };
      tc.closeSync();
      sc.closeSync();
    } finally {
      store.closeSync();
      source.closeSync();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
