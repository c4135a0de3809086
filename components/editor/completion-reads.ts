"use client";

import { type ActionResult, failed, UNREACHABLE } from "@/lib/action-result";
import { type Candidates, type CompletionRequest, completionsUrl } from "@/lib/completions";

/**
 * Asks GET /api/connections/<id>/completions (a GET route, like the run reads
 * of lib/results/reads.ts, so that typing never waits behind a server action).
 * Leaving the position aborts the request.
 */
export async function readCompletions(
  connectionId: string,
  request: CompletionRequest,
  signal: AbortSignal,
): Promise<ActionResult<Candidates>> {
  try {
    const response = await fetch(completionsUrl(connectionId, request), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal,
    });
    if (!(response.headers.get("content-type") ?? "").startsWith("application/json"))
      return failed(`The server answered with HTTP ${response.status}.`, "internal");
    return (await response.json()) as ActionResult<Candidates>;
  } catch {
    return failed(UNREACHABLE, "internal");
  }
}
