import "server-only";
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory";
import type RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes";
import { MetadataRateLimiter } from "../auth/rate-limit-store";
import { config } from "../config";
import type { Db } from "../db/client";

const holder = globalThis as { __lakebookApiLimiter?: { db: Db; limiter: MetadataRateLimiter } };

/**
 * Calls per token per minute, counted in the metadata store so that every
 * instance shares the count (in memory on this instance if the store fails).
 * Null when the call may go ahead, else the seconds to wait.
 */
export async function takeApiCall(db: Db, tokenId: string): Promise<number | null> {
  if (holder.__lakebookApiLimiter?.db !== db) {
    const points = config().LAKEBOOK_API_REQUESTS_PER_MINUTE;
    const keyPrefix = "api-token";
    holder.__lakebookApiLimiter = {
      db,
      limiter: new MetadataRateLimiter(db, {
        keyPrefix,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
      }),
    };
  }
  try {
    await holder.__lakebookApiLimiter.limiter.consume(tokenId);
    return null;
  } catch (refusal) {
    if (refusal instanceof Error) throw refusal;
    return Math.max(1, Math.ceil((refusal as RateLimiterRes).msBeforeNext / 1000));
  }
}
