// The result-size table and its target rows.
import type { AddTarget } from "./context.mjs";
import { PAGE_LIMIT } from "./runs.mjs";
import type { SizeFigures } from "./sizes.mjs";
import { fmtMB, fmtRate, fmtS, spread, table } from "./stats.mjs";

/** The result-size figures and their target rows (see measureSize). */
export function reportSizes(results: SizeFigures[], add: AddTarget): void {
  const cols = results.map((r) => `${(r.rows / 1e6).toLocaleString("en-US")}M rows`);
  const row = (label: string, f: (r: SizeFigures) => string) => [label, ...results.map(f)];
  const figures = [
    row("time to first page (startRunAction)", (r) => fmtS(r.firstPageMs) + spread(r.runs.map((x) => x.firstPageMs))),
    row("time to completion (store)", (r) => fmtS(r.storeMs) + spread(r.runs.map((x) => x.storeMs))),
    row("  server CPU during store", (r) => `${r.storeServerCpuS.toFixed(1)} s`),
    row("DuckDB direct CTAS", (r) => fmtS(r.ctasMs) + spread(r.direct.ctasMs)),
    row("DuckDB direct stream→stage→INSERT (analysis)", (r) => fmtS(r.direct.streamAppend.ms)),
    row("DuckDB direct COPY t TO csv", (r) => fmtS(r.copyMs) + spread(r.direct.copyMs)),
    row("  COPY size, rows/s", (r) => `${fmtMB(r.direct.copyBytes)}, ${fmtRate(r.rows / (r.copyMs / 1000))}`),
    row("DuckDB direct COPY at the store's 64MB limit (analysis)", (r) => fmtS(r.direct.copy64Ms)),
    row("DuckDB direct segment COPYs as the download writes them (analysis)", (r) => fmtS(r.direct.segmentedCopyMs)),
    row("CSV download (GET /api/runs/<id>/csv)", (r) => fmtS(r.csvMs) + spread(r.runs.map((x) => x.csv.ms))),
    row("  CSV size", (r) => fmtMB(r.csvBytes)),
    row("  CSV rows/s", (r) => fmtRate(r.rows / (r.csvMs / 1000))),
    row("  CSV MB/s", (r) => (r.csvBytes / 1e6 / (r.csvMs / 1000)).toFixed(1)),
    row(
      "  server / client CPU during download",
      (r) => `${r.csvServerCpuS.toFixed(1)} s / ${r.csvClientCpuS.toFixed(1)} s`,
    ),
    row(
      "CSV download, browser Accept-Encoding (run 1 only)",
      (r) => `${fmtS(r.csvBrowser.ms)}, ${r.csvBrowser.encoding}`,
    ),
    row(
      "  bytes on the wire, rows/s",
      (r) => `${fmtMB(r.csvBrowser.bytes)}, ${fmtRate(r.rows / (r.csvBrowser.ms / 1000))}`,
    ),
    row("  server CPU during browser-style download", (r) => `${r.csvBrowserServerCpuS.toFixed(1)} s`),
    row(`page read p50 (${results[0].page.count} random pages of ${PAGE_LIMIT})`, (r) => `${r.page.p50.toFixed(1)} ms`),
    row("page read p95", (r) => `${r.page.p95.toFixed(1)} ms`),
    row("page read max", (r) => `${r.page.max.toFixed(1)} ms`),
    row("  DuckDB direct page query p50 (analysis)", (r) => `${r.direct.pageQueryMs.toFixed(1)} ms`),
    row("server RSS idle after warm-up", (r) => fmtMB(r.idleRss)),
    row("  peak during start-up + warm-up (VmHWM)", (r) => fmtMB(r.startupHwm)),
    row("  highest sampled RSS during store / download", (r) => `${fmtMB(r.storeMaxRss)} / ${fmtMB(r.csvMaxRss)}`),
    row("peak server RSS (VmHWM, max over runs)", (r) => fmtMB(r.peakRss)),
    row("other processes' CPU (worst phase)", (r) => `${(r.otherCpuShare * 100).toFixed(0)}% of a core`),
  ];
  console.log(`\nFigures (median of ${results[0].runs.length} runs, (min–max) in seconds; a fresh server per run)\n`);
  console.log(table(["", ...cols], figures));

  const small = results[0];
  const big = results[results.length - 1];
  const bigCol = cols[results.length - 1];
  add(
    `first page ≤ 0.2 × store time (${bigCol})`,
    `${fmtS(big.firstPageMs)} / ${fmtS(big.storeMs)} = ${(big.firstPageMs / big.storeMs).toFixed(3)}×`,
    "≤ 0.2×",
    big.firstPageMs / big.storeMs <= 0.2,
  );
  for (const [i, r] of results.entries()) {
    const ratio = r.storeMs / r.ctasMs;
    add(
      `store time ≤ 1.5 × DuckDB CTAS (${cols[i]})`,
      `${fmtS(r.storeMs)} / ${fmtS(r.ctasMs)} = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  for (const [i, r] of results.entries()) {
    const ratio = r.copyMs / r.csvMs; // throughput ratio over the same rows
    add(
      `CSV throughput ≥ 0.5 × DuckDB COPY (${cols[i]})`,
      `${fmtRate(r.rows / (r.csvMs / 1000))} / ${fmtRate(r.rows / (r.copyMs / 1000))} rows/s = ${ratio.toFixed(2)}×`,
      "≥ 0.5×",
      ratio >= 0.5,
    );
  }
  if (results.length > 1) {
    const ratio = big.page.p95 / small.page.p95;
    add(
      `page p95 flat ${cols[0]} → ${bigCol}`,
      `${small.page.p95.toFixed(1)} ms → ${big.page.p95.toFixed(1)} ms = ${ratio.toFixed(2)}×`,
      "≤ 1.5×",
      ratio <= 1.5,
    );
  }
  const worst = Math.max(...results.map((r) => r.page.p95));
  add("page p95 well under 150 ms (worst size)", `${worst.toFixed(1)} ms`, "< 150 ms", worst < 150);
  for (const [i, r] of results.entries())
    add(`peak server RSS (${cols[i]})`, fmtMB(r.peakRss), "< 400 MiB", r.peakRss < 400 * 1024 ** 2);
}
