import "server-only";
import type { IRateLimiterOptions } from "rate-limiter-flexible";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes";
import RateLimiterStoreAbstract from "rate-limiter-flexible/lib/RateLimiterStoreAbstract";
import type { Db } from "../db/client";
import {
  addRateLimitPoints,
  deleteRateLimit,
  findRateLimit,
  type StoredCounter,
  takeRateLimitPoints,
} from "../db/queries/rate-limits";

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
    return addRateLimitPoints(this.db, key, points, msDuration, forceExpire);
  }

  /**
   * A reward: takes points off a counter whose window is still open, never
   * below zero. It never opens a window (a successful sign-in must not start
   * one for the failures that follow) and does nothing when there is none.
   */
  private async giveBack(key: string, points: number): Promise<StoredCounter> {
    return (await takeRateLimitPoints(this.db, key, points)) ?? { points: 0, msLeft: null };
  }

  /** The key's counter while its window lasts, else null. */
  async _get(key: string): Promise<StoredCounter | null> {
    return findRateLimit(this.db, key);
  }

  async _delete(key: string): Promise<boolean> {
    return deleteRateLimit(this.db, key);
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
