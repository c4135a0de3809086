import "server-only";
import { setImmediate } from "node:timers/promises";

/**
 * Members' reads (a page, a cell, a count) before bulk work on the JavaScript
 * thread. Storing a large result appends a batch each time DuckDB hands one
 * over, and while several results store, every turn of the event loop runs a
 * batch of each before the I/O that arrived with them: a page read, which
 * needs a few turns, waits behind all of them at each. While a read is in
 * flight, bulk work waits until the turn's I/O has run (`setImmediate`), so
 * the read's next step comes first; DuckDB meanwhile computes the next batch
 * on its own threads, so the bulk work loses only its place in the turn.
 *
 * One count per process, on globalThis: each Next.js bundle (routes, server
 * actions) has its own copy of this module.
 */
const KEY = Symbol.for("lakebook.foregroundReads");

function state(): { reads: number } {
  const holder = globalThis as { [KEY]?: { reads: number } };
  holder[KEY] ??= { reads: 0 };
  return holder[KEY];
}

/** Runs a member's read, counted as in flight until it has its answer. */
export async function foregroundRead<T>(read: () => Promise<T>): Promise<T> {
  const s = state();
  s.reads += 1;
  try {
    return await read();
  } finally {
    s.reads -= 1;
  }
}

/** Between batches of bulk work: while a member's read is in flight, waits for the I/O of this turn. */
export async function yieldToReads(): Promise<void> {
  if (state().reads > 0) await setImmediate();
}

/** Reads in flight now (for tests). */
export function readsInFlight(): number {
  return state().reads;
}
