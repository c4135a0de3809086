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

export function releaseNativeMemory(): void {
  if (gc === undefined) gc = obtainGc();
  gc?.({ type: "minor" });
}
