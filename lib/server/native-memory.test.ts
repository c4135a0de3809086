import { setTimeout as sleep } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { releaseNativeMemory } from "./native-memory";

const MiB = 1024 * 1024;

v8.setFlagsFromString("--expose-gc");
const scavenge = vm.runInNewContext("() => gc({ type: 'minor' })") as () => void;

/** RSS once memory freed by the collector has been given back (array buffers are swept in the background). */
async function settledRss(): Promise<number> {
  await sleep(300);
  return process.memoryUsage.rss();
}

describe("releaseNativeMemory", () => {
  it("runs a full collection once the process has grown, freeing native memory of promoted objects", async () => {
    releaseNativeMemory(); // the floor: today's RSS
    // Native memory owned by objects old enough to be promoted (as a DuckDB
    // chunk's wrapper is when it waits across scavenges): a scavenge cannot free it.
    let held: Buffer[] | null = Array.from({ length: 16 }, () => Buffer.alloc(10 * MiB, 1));
    scavenge();
    scavenge();
    expect(held).toHaveLength(16);
    held = null;
    scavenge();
    const grown = await settledRss();
    releaseNativeMemory();
    expect(grown - (await settledRss())).toBeGreaterThan(100 * MiB);
  });

  it("only scavenges while the process has not grown", async () => {
    let held: Buffer[] | null = Array.from({ length: 4 }, () => Buffer.alloc(10 * MiB, 1));
    scavenge();
    scavenge();
    expect(held).toHaveLength(4);
    held = null;
    const before = await settledRss();
    releaseNativeMemory();
    // 40 MiB of promoted garbage is below the growth that calls for a full collection: still there.
    expect(before - (await settledRss())).toBeLessThan(20 * MiB);
  });
});
