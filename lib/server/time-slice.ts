import "server-only";
import { setImmediate } from "node:timers/promises";

/**
 * Cooperative time slicing for work on the request thread whose size a member
 * chooses (a notebook of 500 cells, 8 MiB of text): call the returned function
 * between units of work; once `sliceMs` of work has run since the last pause,
 * it waits one turn of the event loop, so other members' requests and timers
 * run in between. Awaiting a resolved promise is not enough: microtasks run
 * before any I/O, so a chain of them still holds the loop.
 */
export function timeSlicer(sliceMs = 10): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await setImmediate();
    since = performance.now();
  };
}
