// Small helpers every phase of the benchmark shares: logging, percentiles and
// the tables of the report.

export const log = (...args: unknown[]): void =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile; null for no values. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

export const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type Maybe = number | null | undefined;
export const fmtS = (ms: Maybe): string => (ms == null ? "–" : `${(ms / 1000).toFixed(2)} s`);
export const fmtMs = (ms: Maybe): string => (ms == null ? "–" : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
export const fmtMB = (b: Maybe): string => (b == null ? "–" : `${(b / 1024 ** 2).toFixed(0)} MiB`);
/** A size as the input limits are written: KiB below 1 MiB, else MiB. */
export const fmtSize = (b: number): string =>
  b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(b % 1024 ** 2 ? 2 : 0)} MiB` : `${(b / 1024).toFixed(0)} KiB`;

export function table(headers: string[], rows: (string | number)[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** Rows per second, in thousands or millions. */
export const fmtRate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
export const list = (ms: number[]): string => `${ms.map((x) => (x / 1000).toFixed(2)).join("/")} s`;
export const spread = (values: number[]): string =>
  values.length > 1 ? ` (${(Math.min(...values) / 1000).toFixed(2)}–${(Math.max(...values) / 1000).toFixed(2)})` : "";
