import "server-only";
import { LRUCache } from "lru-cache";
import { type ChangeFeed, localChangeCount } from "../db/changes";
import type { User } from "../db/schema";

/**
 * Live sessions this server has checked, so that a request does not ask the
 * metadata store again who its cookie belongs to (it did on every request: a
 * page of a result, a run's status). Revoking stays immediate on every
 * server: any change to sessions or members — by this server, another one or
 * a script — empties the cache (changes.ts), and while the feed of changes is
 * not live nothing is served from it. Only live sessions are kept, each no
 * longer than its own end and a short age (a bound should a change ever go
 * unreported).
 */
const MOST_SESSIONS = 10_000;
const MOST_AGE_MS = 60_000;

interface Entry {
  user: User;
  expiresAt: number;
  storedAt: number;
  /** `seen()` when it was read: an entry read before a change is not served after it. */
  seen: string;
}

/** What a look-up in the store answers: the member and the session's end, or null. */
export type LiveSession = { user: User; expiresAt: Date } | null;

export class SessionCache {
  private readonly entries = new LRUCache<string, Entry>({ max: MOST_SESSIONS });
  /** Changes reported by the feed; with `localChangeCount()`, what an entry's read must not have missed. */
  private changes = 0;

  constructor(private readonly feed: ChangeFeed) {
    feed.subscribe(() => {
      this.changes++;
      this.entries.clear();
    });
  }

  /** The member of session `id` at `now`: from the cache, or else from `load` (the store), kept if live. */
  async user(id: string, now: Date, load: () => Promise<LiveSession>): Promise<User | null> {
    const at = now.getTime();
    const seen = this.seen();
    const entry = this.feed.live ? this.entries.get(id) : undefined;
    if (entry && entry.seen === seen && at < entry.expiresAt && at - entry.storedAt < MOST_AGE_MS) return entry.user;
    const found = await load();
    // Kept only if nothing changed while it was read (it might be the state from before the change).
    if (found && this.feed.live && this.seen() === seen)
      this.entries.set(id, { user: found.user, expiresAt: found.expiresAt.getTime(), storedAt: at, seen });
    return found?.user ?? null;
  }

  private seen(): string {
    return `${this.changes}:${localChangeCount()}`;
  }
}
