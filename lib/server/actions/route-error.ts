import "server-only";
import type { Failure } from "@/lib/action-result";
import { failure } from "./safe-action";

/** The HTTP status of each kind of failure: the one table every route answers by. */
export const STATUS: Record<Failure["code"], number> = {
  invalid: 422,
  "not-found": 404,
  "sign-in": 401,
  forbidden: 403,
  conflict: 409,
  busy: 429,
  internal: 500,
};

/**
 * A route handler's failure as plain text, with the status of its kind: the
 * message of an expected failure, or a logged reference for anything else.
 */
export function routeError(error: unknown): Response {
  const { error: message, code } = failure(error);
  return new Response(message, { status: STATUS[code], headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
