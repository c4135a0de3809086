import "server-only";
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";

/**
 * The server's own event-loop delay, for the benchmark: how long a timer that
 * should fire now waits behind work on the JavaScript thread. One histogram
 * per process, kept on globalThis because each Next.js bundle (routes, server
 * actions) has its own copy of this module.
 */

/** Resolution of the sampling timer (ms): delays shorter than this are not seen. */
const RESOLUTION_MS = 10;
const KEY = Symbol.for("lakebook.eventLoopDelay");

export interface EventLoopDelay {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  /** Samples since the last reset; 0 means no figure yet. */
  samples: number;
}

function histogram(): IntervalHistogram {
  const holder = globalThis as { [KEY]?: IntervalHistogram };
  if (!holder[KEY]) {
    holder[KEY] = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    holder[KEY].enable();
  }
  return holder[KEY];
}

/** Delays seen since the last reset (started on first use); with `reset`, starts over afterwards. */
export function eventLoopDelay(reset: boolean): EventLoopDelay {
  const h = histogram();
  // Each sample is the whole time between two ticks of the sampling timer, so
  // the delay is what exceeds the timer's own interval.
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION_MS);
  // With no sample yet the histogram reports min/max as huge or 0 and mean as NaN.
  const figures: EventLoopDelay =
    h.count === 0
      ? { maxMs: 0, p99Ms: 0, meanMs: 0, samples: 0 }
      : { maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), meanMs: ms(h.mean), samples: h.count };
  if (reset) h.reset();
  return figures;
}
