/**
 * Sizes as people write them in settings: "20GB", "512 MiB", "1.5TB" or a
 * plain number of bytes. As in DuckDB's own settings, KB/MB/GB/TB are powers
 * of 1000 and KiB/MiB/GiB/TiB powers of 1024.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Bytes of a size such as "20GB"; null when the text is not a size. */
export function parseByteSize(text: string): number | null {
  // Anchored, no nested quantifiers: linear in the length of the text.
  const match = /^\s*(\d{1,15}(?:\.\d{1,6})?)\s*([kmgt]?i?b)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = UNITS[(match[2] ?? "b").toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A byte count for people: "1.5 GB", "340 MB", "12 KB", "20 bytes" (powers of 1000, as parsed). */
export function formatByteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const [unit, scale] =
    bytes >= 1e12 ? ["TB", 1e12] : bytes >= 1e9 ? ["GB", 1e9] : bytes >= 1e6 ? ["MB", 1e6] : ["KB", 1e3];
  const value = bytes / scale;
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${unit}`;
}
