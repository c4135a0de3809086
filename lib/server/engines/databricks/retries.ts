import "server-only";
import type { Progress } from "../types";
import { EngineError } from "../types";

/**
 * Retries a request the warehouse refused with HTTP 503/429 while it starts.
 * The driver retries only polls and metadata calls, never OpenSession or
 * ExecuteStatement; those are safe to repeat because the warehouse did not
 * accept them.
 */
export async function whileStarting<T>(request: () => Promise<T>, waitMs: number, progress?: Progress): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const status = (error as { statusCode?: number })?.statusCode;
      if ((status !== 503 && status !== 429) || Date.now() >= deadline) throw error;
      progress?.waiting?.("The warehouse is starting. The query runs as soon as it is up.");
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** attempt)));
      if (progress?.signal?.aborted) throw new EngineError("Query cancelled", { cancelled: true });
    }
  }
}
