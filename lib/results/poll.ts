import type { RunView } from "./types";

/** A status poll that answers faster than this, with no news, answered "at once". */
export const QUICK_ANSWER_MS = 250;
/** Answers at once in a row that are taken as they come, before the browser waits between polls. */
const QUICK_ANSWERS_FREE = 2;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * How long the browser waits before its next status poll, after `quick`
 * answers in a row came at once without news: a server that does not hold
 * the poll (the run is on another instance, or was left behind) is asked
 * ever less often, up to once per MAX_DELAY_MS, instead of in a tight loop.
 */
export function pollDelay(quick: number): number {
  if (quick <= QUICK_ANSWERS_FREE) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (quick - QUICK_ANSWERS_FREE - 1));
}

/** Whether a poll's answer says something new: then the next poll goes at once. */
export function hasNews(before: RunView, after: RunView): boolean {
  return (
    before.status !== after.status ||
    before.rowCount !== after.rowCount ||
    before.message !== after.message ||
    before.waiting !== after.waiting
  );
}
