import "server-only";
import { NOT_FOUND, UserError } from "@/lib/action-result";
import { SIGN_IN_REQUIRED } from "../auth/session";
import { failureMessage } from "./safe-action";

/**
 * A route handler's failure as plain text: 401 without a session, 404 for
 * anything missing or not the caller's, `refused` for other expected failures
 * (their message is meant for the user), 500 with a logged reference otherwise.
 */
export function routeError(error: unknown, refused: 403 | 409): Response {
  const status = !UserError.is(error)
    ? 500
    : error.message === SIGN_IN_REQUIRED
      ? 401
      : error.message === NOT_FOUND
        ? 404
        : refused;
  return new Response(failureMessage(error), { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
