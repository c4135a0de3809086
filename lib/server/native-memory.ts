import "server-only";
import v8 from "node:v8";
import vm from "node:vm";

/**
 * Short-lived objects that hold native memory V8 barely sees wait for the
 * collector, and while a large result streams the collector runs too rarely:
 * - DuckDB data chunks: their JS wrappers are tiny, so hundreds of megabytes
 *   of finished chunks waited for finalizers (a minor collection every few
 *   chunks took 5M rows from 808 MB to 278 MB RSS, at no cost in time);
 * - the read buffers of a CSV download: at 100 MB/s about 30 MB of spent
 *   buffers piled up in the allocator between collections.
 * A minor collection now and then frees them. Jest's leak detector obtains
 * `gc` the same way when the process was not started with --expose-gc.
 *
 * Wrappers that live across a few scavenges (a chunk waiting while the
 * previous one is stored, under load from other requests) are promoted to the
 * old generation, which only a full collection clears; V8 starts one when
 * its own heap grows, not the native memory behind it. With four 1M-row runs
 * at a time, RSS grew by ~25 MiB per wave of runs, to 713 MiB after 24 waves,
 * and fell to 434 MiB at the first full collection. So a full collection runs
 * when the process has grown by `FULL_COLLECTION_GROWTH` since the last one
 * (measured: a plateau at ~400 MiB; one pause of 50-65 ms per ~100 MiB
 * streamed through a wrapper, a few per million rows at most).
 */
type Gc = (options?: { type: "minor" | "major" }) => void;

let gc: Gc | null | undefined;

function obtainGc(): Gc | null {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString("--expose-gc");
    return vm.runInNewContext("gc") as Gc;
  } catch {
    return null;
  }
}

/** Growth of RSS over the last full collection's that calls for another one. */
const FULL_COLLECTION_GROWTH = 96 * 1024 * 1024;

/** RSS after the last full collection, lowered whenever the process shrinks below it. */
let floor = 0;

export function releaseNativeMemory(): void {
  if (gc === undefined) gc = obtainGc();
  if (!gc) return;
  const rss = process.memoryUsage.rss();
  if (floor === 0 || rss < floor) floor = rss;
  if (rss - floor < FULL_COLLECTION_GROWTH) {
    gc({ type: "minor" });
    return;
  }
  // `gc({ type: "major" })` is not a full collection in Node 20's V8; `gc()` is.
  gc();
  floor = process.memoryUsage.rss();
}
