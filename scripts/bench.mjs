#!/usr/bin/env node
// Lakebook benchmark: large results through the real production server path
// (server actions over HTTP, the CSV route), against DuckDB on its own.
//
//   npm run bench                       # 1M and 10M rows
//   BENCH_SIZES=100000,1000000 npm run bench
//   BENCH_JSON=out.json npm run bench   # also write the raw figures
//
// Always exits 0 once figures are printed (a benchmark, not a test); exits 1
// only if something crashed. See docs/PERFORMANCE.md.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "./bench/client.mjs";
import { directBaseline } from "./bench/direct.mjs";
import { procCpuSeconds, procMemory, startServer } from "./bench/server.mjs";

const cwd = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = (process.env.BENCH_SIZES ?? "1000000,10000000").split(",").map((s) => Number(s.trim()));
const PAGES = Number(process.env.BENCH_PAGES ?? 50);
const PAGE_LIMIT = 100;
const WARMUP_PAGES = 3;

/** Trips-like rows over range(N): the same text runs in the app and in DuckDB directly. */
export function benchQuery(n) {
  return `SELECT i AS trip_id, TIMESTAMP '2024-01-01' + to_microseconds((hash(i) % 31622400000000)::BIGINT) AS pickup, ((hash(i+1) % 9000)/100.0)::DECIMAL(10,2) AS fare, (hash(i+2) % 6)::INTEGER AS passengers, ['Cash','Card'][(1 + hash(i) % 2)::BIGINT] AS payment, round((hash(i+3) % 20000)/1000.0, 3)::DOUBLE AS distance FROM range(${n}) t(i)`;
}

const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank percentile.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function ensureBuild() {
  const buildId = path.join(cwd, ".next/BUILD_ID");
  if (fs.existsSync(buildId)) {
    const built = fs.statSync(buildId).mtimeMs;
    const newer = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/\.(ts|tsx|js|mjs|css)$/.test(entry.name) && fs.statSync(p).mtimeMs > built)
          newer.push(path.relative(cwd, p));
      }
    };
    for (const d of ["app", "lib", "components"]) if (fs.existsSync(path.join(cwd, d))) walk(path.join(cwd, d));
    for (const f of ["proxy.ts", "instrumentation.ts", "next.config.js"]) {
      const p = path.join(cwd, f);
      if (fs.existsSync(p) && fs.statSync(p).mtimeMs > built) newer.push(f);
    }
    if (newer.length > 0) {
      log(
        `WARNING: .next is older than ${newer.length} source file(s) (${newer.slice(0, 5).join(", ")}${newer.length > 5 ? ", ..." : ""});`,
      );
      log(
        "         measuring the existing build. Run `NEXT_TELEMETRY_DISABLED=1 npx next build` first to measure current sources.",
      );
    } else {
      log("using the existing production build (.next/BUILD_ID)");
    }
    return { built: false, stale: newer.length > 0 };
  }
  log("no production build: running next build (a few minutes)...");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(cwd, "node_modules/next/dist/bin/next"), "build"], {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { built: true, stale: false };
}

function machine() {
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  };
  return {
    nproc: run("nproc", []),
    cpu: os.cpus()[0]?.model ?? "?",
    memTotalGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    memFreeGiB: (os.freemem() / 1024 ** 3).toFixed(1),
    node: process.version,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
  };
}

/** Everything measured for one result size. */
async function measureSize(n, tmpRoot) {
  const query = benchQuery(n);
  const out = { rows: n };

  // (c) DuckDB on its own, before the server starts so they do not compete for the 2 cores.
  log(`${n.toLocaleString("en-US")} rows: DuckDB direct baseline...`);
  out.direct = await directBaseline(query, n, path.join(tmpRoot, `direct-${n}`));
  log(
    `  CTAS ${fmtS(out.direct.ctasMs)}, COPY ${fmtS(out.direct.copyMs)} (${fmtMB(out.direct.copyBytes)}), ` +
      `segmented COPY ${fmtS(out.direct.segmentedCopyMs)}, stream→appender ${fmtS(out.direct.streamAppend?.ms)}`,
  );

  // A server of its own per size: its VmHWM is this size's peak.
  const dataDir = path.join(tmpRoot, `data-${n}`);
  const server = await startServer({
    cwd,
    dataDir,
    env: { LAKEBOOK_SAMPLE_TRIPS_ROWS: "1000" },
    logFile: path.join(tmpRoot, `server-${n}.log`),
  });
  out.serverLog = path.join(tmpRoot, `server-${n}.log`);
  try {
    const client = new Client(server.base, cwd);
    await client.init(); // GET / also opens the runtime (warehouse + result store)
    out.idleRss = procMemory(server.pid).rss;
    log(
      `  server pid ${server.pid} (${procMemory(server.pid).name}) on ${server.base}, idle RSS ${fmtMB(out.idleRss)}`,
    );

    // (a) first page, (b) completion.
    const cpu0 = procCpuSeconds(server.pid);
    const t0 = performance.now();
    const started = await client.data("startRunAction", { sql: query, lane: "bench", pageSize: PAGE_LIMIT });
    let run = started.data.run;
    if (run.status === "failed") throw new Error(`run failed: ${JSON.stringify(run.error)}`);
    if (started.data.page && started.data.page.rows.length > 0) {
      out.firstPageMs = started.ms;
      out.firstPageVia = "startRunAction";
    } else {
      // No page within the action's 2 s wait: keep polling like the browser, then fetch page 0.
      let known = run.rowCount;
      while (run.status === "running" && run.rowCount === 0) {
        run = (await client.data("runStateAction", { runId: run.id, knownRows: known, waitMs: 1000 })).data;
        known = run.rowCount;
      }
      await client.data("pageAction", { runId: run.id, offset: 0, limit: PAGE_LIMIT, sort: null });
      out.firstPageMs = performance.now() - t0;
      out.firstPageVia = "runStateAction + pageAction";
    }
    out.serverFirstPageMs = run.firstPageMs ?? started.data.run.firstPageMs;
    let polls = 0;
    while (run.status === "running") {
      run = (await client.data("runStateAction", { runId: run.id, knownRows: run.rowCount, waitMs: 1000 })).data;
      polls++;
    }
    out.storeMs = performance.now() - t0;
    out.storeCpuS = procCpuSeconds(server.pid) - cpu0;
    out.serverElapsedMs = run.elapsedMs;
    out.serverFirstPageMs = run.firstPageMs;
    out.polls = polls;
    if (run.status !== "succeeded") throw new Error(`run ended ${run.status}: ${JSON.stringify(run.error)}`);
    if (run.rowCount !== n)
      throw new Error(`run stored ${run.rowCount} rows, expected ${n} (truncated: ${run.truncated})`);
    out.rssAfterStore = procMemory(server.pid).rss;
    log(
      `  first page ${fmtS(out.firstPageMs)} (server ${fmtS(out.serverFirstPageMs)}), stored in ${fmtS(out.storeMs)} ` +
        `(server ${fmtS(out.serverElapsedMs)}, ${out.storeCpuS.toFixed(1)} CPU-s), RSS now ${fmtMB(out.rssAfterStore)}`,
    );

    // (e) random pages across the whole result.
    const latencies = [];
    for (let i = 0; i < WARMUP_PAGES + PAGES; i++) {
      const offset = Math.floor(Math.random() * (n - PAGE_LIMIT + 1));
      const { ms, data } = await client.data("pageAction", { runId: run.id, offset, limit: PAGE_LIMIT, sort: null });
      if (data.rows.length !== PAGE_LIMIT || data.rows[0][0] !== String(offset)) {
        throw new Error(`page at ${offset} is wrong: ${data.rows.length} rows, first ${JSON.stringify(data.rows[0])}`);
      }
      if (i >= WARMUP_PAGES) latencies.push(ms);
    }
    out.page = {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: Math.max(...latencies),
      count: latencies.length,
    };
    log(
      `  pages: p50 ${out.page.p50.toFixed(1)} ms, p95 ${out.page.p95.toFixed(1)} ms, max ${out.page.max.toFixed(1)} ms`,
    );

    // (d) CSV download through the route.
    const cpu1 = procCpuSeconds(server.pid);
    const csv = await client.csv(run.id);
    out.csv = { ...csv, cpuS: procCpuSeconds(server.pid) - cpu1 };
    if (csv.lines !== n + 1) throw new Error(`CSV has ${csv.lines} lines, expected ${n + 1}`);
    log(
      `  CSV ${fmtMB(csv.bytes)} in ${fmtS(csv.ms)}: ${fmtRate(n / (csv.ms / 1000))} rows/s, ${(csv.bytes / 1e6 / (csv.ms / 1000)).toFixed(1)} MB/s`,
    );

    // (f) peak RSS of the serving process over this server's whole life.
    await sleep(200);
    const mem = procMemory(server.pid);
    out.peakRss = mem.hwm;
    out.finalRss = mem.rss;
    log(`  peak RSS (VmHWM) ${fmtMB(out.peakRss)}`);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

const fmtS = (ms) => (ms == null ? "–" : `${(ms / 1000).toFixed(2)} s`);
const fmtMB = (b) => (b == null ? "–" : `${(b / 1024 ** 2).toFixed(0)} MiB`);
const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

function report(results) {
  const cols = results.map((r) => `${(r.rows / 1e6).toLocaleString("en-US")}M rows`);
  const row = (label, f) => [label, ...results.map(f)];
  const figures = [
    row("time to first page (client)", (r) => fmtS(r.firstPageMs)),
    row("  first page, server-side firstPageMs", (r) => fmtS(r.serverFirstPageMs)),
    row("time to completion (store)", (r) => fmtS(r.storeMs)),
    row("  server CPU during store", (r) => `${r.storeCpuS.toFixed(1)} s`),
    row("DuckDB direct CTAS", (r) => fmtS(r.direct.ctasMs)),
    row("DuckDB direct stream→appender (app's path, no HTTP)", (r) => fmtS(r.direct.streamAppend?.ms)),
    row("DuckDB direct COPY t TO csv", (r) => `${fmtS(r.direct.copyMs)}, ${fmtMB(r.direct.copyBytes)}`),
    row("DuckDB direct COPY rows/s", (r) => fmtRate(r.rows / (r.direct.copyMs / 1000))),
    row("DuckDB direct segmented COPY (download recipe)", (r) => fmtS(r.direct.segmentedCopyMs)),
    row("CSV download (HTTP)", (r) => `${fmtS(r.csv.ms)}, ${fmtMB(r.csv.bytes)}`),
    row("CSV download rows/s", (r) => fmtRate(r.rows / (r.csv.ms / 1000))),
    row("CSV download MB/s", (r) => (r.csv.bytes / 1e6 / (r.csv.ms / 1000)).toFixed(1)),
    row("  server CPU during download", (r) => `${r.csv.cpuS.toFixed(1)} s`),
    row(`pageAction p50 (${PAGES} random pages of ${PAGE_LIMIT})`, (r) => `${r.page.p50.toFixed(1)} ms`),
    row("pageAction p95", (r) => `${r.page.p95.toFixed(1)} ms`),
    row("pageAction max", (r) => `${r.page.max.toFixed(1)} ms`),
    row("server RSS idle / after store", (r) => `${fmtMB(r.idleRss)} / ${fmtMB(r.rssAfterStore)}`),
    row("peak server RSS (VmHWM, per-size server)", (r) => fmtMB(r.peakRss)),
  ];
  console.log("\nFigures\n");
  console.log(table(["", ...cols], figures));

  const small = results[0];
  const big = results[results.length - 1];
  const targets = [];
  const add = (name, measured, limit, pass) => targets.push([name, measured, limit, pass ? "PASS" : "MISS"]);
  add(
    `first page ≤ 0.2 × store time (${cols[results.length - 1]})`,
    `${fmtS(big.firstPageMs)} / ${fmtS(big.storeMs)} = ${(big.firstPageMs / big.storeMs).toFixed(3)}×`,
    "≤ 0.2×",
    big.firstPageMs / big.storeMs <= 0.2,
  );
  for (const [i, r] of results.entries()) {
    const ratio = r.storeMs / r.direct.ctasMs;
    add(
      `store time ≤ 1.5 × DuckDB CTAS (${cols[i]})`,
      `${fmtS(r.storeMs)} / ${fmtS(r.direct.ctasMs)} = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  for (const [i, r] of results.entries()) {
    const ratio = r.direct.copyMs / r.csv.ms; // throughput ratio over the same rows
    add(
      `CSV throughput ≥ 0.5 × DuckDB COPY (${cols[i]})`,
      `${fmtRate(r.rows / (r.csv.ms / 1000))} / ${fmtRate(r.rows / (r.direct.copyMs / 1000))} rows/s = ${ratio.toFixed(2)}×`,
      "≥ 0.5×",
      ratio >= 0.5,
    );
  }
  if (results.length > 1) {
    const ratio = big.page.p95 / small.page.p95;
    add(
      `page p95 flat ${cols[0]} → ${cols[results.length - 1]}`,
      `${small.page.p95.toFixed(1)} ms → ${big.page.p95.toFixed(1)} ms = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  const worstP95 = Math.max(...results.map((r) => r.page.p95));
  add("page p95 well under 150 ms (worst size)", `${worstP95.toFixed(1)} ms`, "< 150 ms", worstP95 < 150);
  for (const [i, r] of results.entries())
    add(`peak server RSS (${cols[i]})`, fmtMB(r.peakRss), "< 400 MiB", r.peakRss < 400 * 1024 ** 2);
  console.log("\nTargets\n");
  console.log(table(["target", "measured", "target", "result"], targets));
  return targets;
}

async function main() {
  const t0 = performance.now();
  const env = machine();
  log(
    `machine: ${env.nproc} cores (${env.cpu}), ${env.memTotalGiB} GiB RAM (${env.memFreeGiB} free), node ${env.node}, load ${env.loadavg}`,
  );
  const build = ensureBuild();
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-bench-"));
  const results = [];
  try {
    for (const n of SIZES) results.push(await measureSize(n, tmpRoot));
  } catch (error) {
    const logs = fs.readdirSync(tmpRoot).filter((f) => f.endsWith(".log"));
    for (const f of logs) {
      const text = fs.readFileSync(path.join(tmpRoot, f), "utf8");
      if (text.trim()) console.error(`--- ${f} (last 40 lines) ---\n${text.trim().split("\n").slice(-40).join("\n")}`);
    }
    throw error;
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  const targets = report(results);
  log(
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s${build.stale ? " (WARNING: build older than sources)" : ""}`,
  );
  if (process.env.BENCH_JSON) {
    fs.writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ machine: env, build, results, targets }, null, 2)}\n`);
    log(`raw figures written to ${process.env.BENCH_JSON}`);
  }
}

main().catch((error) => {
  console.error("bench crashed:", error);
  process.exit(1);
});
