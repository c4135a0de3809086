"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import { type ActionResult, failed, UNREACHABLE } from "@/lib/action-result";

export interface RunOptions {
  /** Leave `pending` set after a success: the caller navigates away, and its buttons stay disabled until then. */
  keepPending?: boolean;
  /** Leave the last message shown until this call answers (by default a new call clears it at once). */
  keepError?: boolean;
  /**
   * The answer counts whatever was called since, and this call makes no
   * earlier one stale: for changes whose follow-up must happen each time
   * (a tab opened or closed is added to or removed from the strip).
   */
  independent?: boolean;
}

export interface ActionCaller {
  /** True while a call is on its way. */
  pending: boolean;
  /** The latest failure, in words for the user; null when there is none. */
  error: string | null;
  /** Shows a problem found without asking the server (or clears the message with null). */
  setError(message: string | null): void;
  /**
   * Calls a server action. Resolves with its result, after showing a failure
   * in `error` (a call that throws, as an action does when the server cannot
   * be reached, is such a failure); resolves with null when a newer call (or `forget`) came after
   * it: the newer answer is the one that counts, and an older one never
   * overwrites it.
   */
  run<T>(call: () => Promise<ActionResult<T>>, options?: RunOptions): Promise<ActionResult<T> | null>;
  /** Makes the calls on their way stale (from an effect's clean-up, when what they asked about changed). */
  forget(): void;
}

/**
 * The one way a component calls a server action: a busy flag for its
 * buttons, the failure's message for an <Alert>, and a guard against answers
 * that arrive out of order.
 */
export function useAction(initialError: string | null = null): ActionCaller {
  const [inFlight, setInFlight] = useState(0);
  const [error, setError] = useState<string | null>(initialError);
  const latest = useRef(0);

  const run = useCallback(
    async <T>(call: () => Promise<ActionResult<T>>, options: RunOptions = {}): Promise<ActionResult<T> | null> => {
      const id = options.independent ? latest.current : ++latest.current;
      setInFlight((n) => n + 1);
      if (!options.keepError) setError(null);
      let result: ActionResult<T>;
      try {
        result = await call();
      } catch {
        result = failed(UNREACHABLE, "internal");
      }
      if (!(result.ok && options.keepPending)) setInFlight((n) => n - 1);
      if (!options.independent && id !== latest.current) return null;
      if (!result.ok) setError(result.error);
      else if (options.keepError) setError(null);
      return result;
    },
    [],
  );

  const forget = useCallback(() => {
    latest.current++;
  }, []);

  return useMemo(() => ({ pending: inFlight > 0, error, setError, run, forget }), [inFlight, error, run, forget]);
}
