import "server-only";
import v8 from "node:v8";
import vm from "node:vm";

/**
 * DuckDB data chunks hold native memory that V8 does not see: their JS wrappers
 * are tiny, so the collector rarely runs while a large result streams through,
 * and hundreds of megabytes of finished chunks wait for finalizers. A minor
 * collection every few chunks frees them (measured: 5M rows went from 808 MB
 * to 278 MB RSS, at no cost in time). Jest's leak detector obtains `gc` the
 * same way when the process was not started with --expose-gc.
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

export function releaseNativeChunks(): void {
  if (gc === undefined) gc = obtainGc();
  gc?.({ type: "minor" });
}
