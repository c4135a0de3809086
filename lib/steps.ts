/**
 * Work written as a generator that `yield`s between units (a cell, a few
 * thousand tokens) can be run two ways: all at once (`runSteps`), or in slices
 * with a turn of the event loop in between (`runStepsSliced`), so that a
 * member's 16 MiB file never holds the server's one JavaScript thread for
 * long. The yields mark where a pause is allowed; the driver decides.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, calling `pause` at each yield; `pause` decides whether to wait (see lib/server/time-slice.ts). */
export async function runStepsSliced<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
