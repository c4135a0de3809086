import {
  getAccessFallbackHTTPStatus,
  isHTTPAccessFallbackError,
} from "next/dist/client/components/http-access-fallback/http-access-fallback";
import { describe, expect, it, vi } from "vitest";
import { eventLoopDelay } from "@/lib/server/event-loop";

/** Keeps the JavaScript thread busy, as a slow scan of a member's input would. */
function block(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("the server's event-loop delay", () => {
  it("sees a block of the JavaScript thread, and starts over after a reset", async () => {
    eventLoopDelay(true);
    await tick();
    block(300);
    await tick();
    const seen = eventLoopDelay(true);
    // The sampling timer fired at least 300 ms late, less its 10 ms resolution.
    expect(seen.maxMs).toBeGreaterThanOrEqual(290);
    expect(seen.p99Ms).toBeGreaterThan(0);
    expect(seen.samples).toBeGreaterThan(0);
    // Reset: nothing seen since (no timer can fire between two synchronous calls).
    expect(eventLoopDelay(false)).toEqual({ maxMs: 0, p99Ms: 0, meanMs: 0, samples: 0 });
  });

  it("is one histogram for every copy of the module (each Next.js bundle has its own)", async () => {
    eventLoopDelay(true);
    await tick();
    block(200);
    await tick();
    vi.resetModules();
    const copy = await import("@/lib/server/event-loop");
    expect(copy.eventLoopDelay).not.toBe(eventLoopDelay);
    expect(copy.eventLoopDelay(false).maxMs).toBeGreaterThanOrEqual(190);
  });

  it("is a 404 without LAKEBOOK_BENCH_PROBES=1, telling nothing", async () => {
    expect(process.env.LAKEBOOK_BENCH_PROBES).toBeUndefined();
    const { GET } = await import("@/app/api/bench/event-loop/route");
    let thrown: unknown = null;
    try {
      GET(new Request("http://localhost/api/bench/event-loop?reset=1"));
    } catch (error) {
      thrown = error;
    }
    // notFound(): Next.js answers it with a bare 404.
    expect(isHTTPAccessFallbackError(thrown)).toBe(true);
    expect(getAccessFallbackHTTPStatus(thrown as Parameters<typeof getAccessFallbackHTTPStatus>[0])).toBe(404);
  });
});
