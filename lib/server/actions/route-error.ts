import "server-only";
import { type Failure, failed } from "@/lib/action-result";
import { BodyTooLarge } from "../http/body";
import { failure } from "./safe-action";

/** The HTTP status of each kind of failure: the one table every route answers by. */
export const STATUS: Record<Failure["code"], number> = {
  invalid: 422,
  "not-found": 404,
  "sign-in": 401,
  "databricks-sign-in": 403,
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

/** A route's answer in the shape of a server action's result, `{ ok, data }` or `{ ok: false, error, code }`. */
export function jsonAnswer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * A route's failure as JSON: a body over its limit (413) and expected failures
 * keep their message; anything else is logged and answered with a reference.
 */
export function jsonFailure(error: unknown): Response {
  if (error instanceof BodyTooLarge) return jsonAnswer(error.status, failed(error.message));
  const answered = failure(error);
  return jsonAnswer(STATUS[answered.code], answered);
}
