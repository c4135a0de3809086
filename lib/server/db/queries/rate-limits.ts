import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rateLimits } from "../schema";

/**
 * The rate limiter's counters. Each change is one atomic statement, so
 * concurrent attempts on any instance add up and never lose a count. Time is
 * the database's clock (clock_timestamp), so instances whose clocks disagree
 * still agree on when a window ends, and the remaining time is computed there too.
 */

/** A counter as the store returns it: points used and milliseconds until the window ends (-1: never). */
export interface StoredCounter {
  points: number;
  msLeft: number | null;
}

/**
 * Adds `points` to the key's counter (`INSERT … ON CONFLICT DO UPDATE`),
 * starting a new window if the last one ended or `forceExpire` says so.
 */
export async function addRateLimitPoints(
  db: Db,
  key: string,
  points: number,
  msDuration: number,
  forceExpire: boolean,
): Promise<StoredCounter> {
  const now = sql`clock_timestamp()`;
  const newExpiry =
    msDuration > 0 ? sql`${now} + make_interval(secs => ${msDuration / 1000}::float8)` : sql`NULL::timestamptz`;
  const ended = forceExpire
    ? sql`TRUE`
    : sql`(${rateLimits.expiresAt} IS NOT NULL AND ${rateLimits.expiresAt} <= ${now})`;
  const [row] = await db
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

/** Takes points off a counter whose window is still open, never below zero; null when there is none. */
export async function takeRateLimitPoints(db: Db, key: string, points: number): Promise<StoredCounter | null> {
  const [row] = await db
    .update(rateLimits)
    .set({ points: sql`GREATEST(0, ${rateLimits.points} - ${points}::int)` })
    .where(openWindow(key))
    .returning({ points: rateLimits.points, msLeft: msLeft() });
  return row ?? null;
}

/** The key's counter while its window lasts, else null. */
export async function findRateLimit(db: Db, key: string): Promise<StoredCounter | null> {
  const [row] = await db
    .select({ points: rateLimits.points, msLeft: msLeft() })
    .from(rateLimits)
    .where(openWindow(key));
  return row ?? null;
}

export async function deleteRateLimit(db: Db, key: string): Promise<boolean> {
  const rows = await db.delete(rateLimits).where(eq(rateLimits.key, key)).returning({ key: rateLimits.key });
  return rows.length > 0;
}

/** The key's row, if its window has not ended. */
function openWindow(key: string) {
  return sql`${rateLimits.key} = ${key} AND (${rateLimits.expiresAt} IS NULL OR ${rateLimits.expiresAt} > clock_timestamp())`;
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
