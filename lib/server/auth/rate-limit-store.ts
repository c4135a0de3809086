import "server-only";
import { eq, sql } from "drizzle-orm";
import type { IRateLimiterOptions } from "rate-limiter-flexible";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes";
import RateLimiterStoreAbstract from "rate-limiter-flexible/lib/RateLimiterStoreAbstract";
import type { Db } from "../db/client";
import { rateLimits } from "../db/schema";

/** A counter as the store returns it: points used and milliseconds until the window ends (-1: never). */
interface StoredCounter {
  points: number;
  msLeft: number | null;
}

/**
 * rate-limiter-flexible's store over the metadata store's `rate_limits`
 * table, so every Lakebook instance on one PostgreSQL shares the counts (on
 * PGlite there is one instance anyway). Each change is one atomic
 * `INSERT … ON CONFLICT DO UPDATE`: concurrent attempts on any instance add
 * up and never lose a count. Time is the database's clock (clock_timestamp),
 * so instances whose clocks disagree still agree on when a window ends, and
 * the remaining time is computed there too.
 */
export class MetadataRateLimiter extends RateLimiterStoreAbstract {
  private readonly db: Db;

  constructor(db: Db, options: IRateLimiterOptions) {
    super({ ...options, storeClient: db });
    this.db = db;
  }

  /** Adds `points` (negative for a reward) to the key's counter, starting a new window if the last one ended. */
  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<StoredCounter> {
    if (points < 0 && !forceExpire) return this.giveBack(key, -points);
    const now = sql`clock_timestamp()`;
    const newExpiry =
      msDuration > 0 ? sql`${now} + make_interval(secs => ${msDuration / 1000}::float8)` : sql`NULL::timestamptz`;
    const ended = forceExpire
      ? sql`TRUE`
      : sql`(${rateLimits.expiresAt} IS NOT NULL AND ${rateLimits.expiresAt} <= ${now})`;
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key, points: Math.max(points, 0), expiresAt: sql`${newExpiry}` })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          // A reward never takes a counter below zero (it would give extra attempts later).
          points: sql`GREATEST(0, CASE WHEN ${ended} THEN ${points}::int ELSE ${rateLimits.points} + ${points}::int END)`,
          expiresAt: sql`CASE WHEN ${ended} THEN ${newExpiry} ELSE ${rateLimits.expiresAt} END`,
        },
      })
      .returning({ points: rateLimits.points, msLeft: msLeft() });
    return row;
  }

  /**
   * A reward: takes points off a counter whose window is still open, never
   * below zero. It never opens a window (a successful sign-in must not start
   * one for the failures that follow) and does nothing when there is none.
   */
  private async giveBack(key: string, points: number): Promise<StoredCounter> {
    const [row] = await this.db
      .update(rateLimits)
      .set({ points: sql`GREATEST(0, ${rateLimits.points} - ${points}::int)` })
      .where(
        sql`${rateLimits.key} = ${key} AND (${rateLimits.expiresAt} IS NULL OR ${rateLimits.expiresAt} > clock_timestamp())`,
      )
      .returning({ points: rateLimits.points, msLeft: msLeft() });
    return row ?? { points: 0, msLeft: null };
  }

  /** The key's counter while its window lasts, else null. */
  async _get(key: string): Promise<StoredCounter | null> {
    const [row] = await this.db
      .select({ points: rateLimits.points, msLeft: msLeft() })
      .from(rateLimits)
      .where(
        sql`${rateLimits.key} = ${key} AND (${rateLimits.expiresAt} IS NULL OR ${rateLimits.expiresAt} > clock_timestamp())`,
      );
    return row ?? null;
  }

  async _delete(key: string): Promise<boolean> {
    const rows = await this.db.delete(rateLimits).where(eq(rateLimits.key, key)).returning({ key: rateLimits.key });
    return rows.length > 0;
  }

  _getRateLimiterRes(_key: string, changedPoints: number, stored: StoredCounter): RateLimiterRes {
    return new RateLimiterRes(
      Math.max(this.points - stored.points, 0),
      stored.msLeft === null ? -1 : Math.max(Math.ceil(stored.msLeft), 0),
      stored.points,
      stored.points === changedPoints,
    );
  }
}

/** Milliseconds until the row's window ends, by the database's clock; null when it never ends. */
function msLeft() {
  return sql<number | null>`(extract(epoch from (${rateLimits.expiresAt} - clock_timestamp())) * 1000)::float8`.mapWith(
    (value: unknown) => (value === null ? null : Number(value)),
  );
}

/** Deletes counters whose window ended: called now and then, it keeps the table as small as the active keys. */
export async function pruneRateLimits(db: Db): Promise<void> {
  await db.delete(rateLimits).where(sql`${rateLimits.expiresAt} < clock_timestamp()`);
}
