import "server-only";
import { LRUCache } from "lru-cache";

/**
 * What the editor's completion read from a connection's catalog, per
 * connection and member: a Databricks engine is per member (its errors and,
 * with Unity Catalog, what it lists depend on who asks), so one member's
 * listing is never shown to another. Entries live a short while (names change
 * under us: another member creates a table); the schema browser's refresh
 * forgets a connection's entries for the member at once.
 */

/** How long a listing of a Databricks warehouse is reused: each read is a round trip, or wakes the warehouse. */
export const LISTING_TTL_MS = 60_000;
/**
 * The built-in warehouse's catalog is read in this process in a millisecond:
 * its listings are kept only while one burst of typing asks again, so a table
 * a member just created shows without pressing refresh.
 */
export const BUILTIN_LISTING_TTL_MS = 5_000;
/** Keywords and functions change only with the engine (or a member's macro): kept longer. */
export const WORDS_TTL_MS = 5 * 60_000;

/** Total names held, over every connection and member: a listing costs its length. */
const MAX_NAMES = 2_000_000;

type Entry = { value: readonly unknown[] };

const holder = globalThis as {
  __lakebookCompletions?: {
    cache: LRUCache<string, Entry>;
    loading: Map<string, Promise<readonly unknown[]>>;
    generations: Map<string, number>;
  };
};
holder.__lakebookCompletions ??= {
  cache: new LRUCache<string, Entry>({
    maxSize: MAX_NAMES,
    sizeCalculation: (entry) => entry.value.length + 1,
    ttl: LISTING_TTL_MS,
  }),
  loading: new Map(),
  generations: new Map(),
};
const { cache, loading, generations } = holder.__lakebookCompletions;

function scopeOf(connectionId: string, userId: string): string {
  return `${connectionId}\n${userId}\n`;
}

/**
 * The listing cached under `what` for this connection and member, or loaded
 * with `load` (once, however many requests ask at the same time). A load that
 * overlapped a refresh is answered but not kept.
 */
export async function cached<T>(
  connectionId: string,
  userId: string,
  what: string,
  load: () => Promise<readonly T[]>,
  ttl = LISTING_TTL_MS,
): Promise<readonly T[]> {
  const scope = scopeOf(connectionId, userId);
  const key = scope + what;
  const hit = cache.get(key);
  if (hit) return hit.value as readonly T[];
  const pending = loading.get(key);
  if (pending) return pending as Promise<readonly T[]>;
  const generation = generations.get(scope) ?? 0;
  const promise = load().then(
    (value) => {
      if (loading.get(key) === promise) loading.delete(key);
      if ((generations.get(scope) ?? 0) === generation) cache.set(key, { value }, { ttl });
      return value;
    },
    (error: unknown) => {
      if (loading.get(key) === promise) loading.delete(key);
      throw error;
    },
  );
  loading.set(key, promise);
  return promise;
}

/** Forgets what is cached for this connection and member (the schema browser's refresh). */
export function forgetCompletions(connectionId: string, userId: string): void {
  const scope = scopeOf(connectionId, userId);
  generations.set(scope, (generations.get(scope) ?? 0) + 1);
  for (const key of [...cache.keys()]) if (key.startsWith(scope)) cache.delete(key);
  for (const key of [...loading.keys()]) if (key.startsWith(scope)) loading.delete(key);
}
