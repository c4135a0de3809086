/**
 * What kind of expected failure: it decides a route's HTTP status (one table,
 * `lib/server/actions/route-error.ts`) and what a page does (a missing object
 * shows the "not found" page). Never recognise a failure by its message.
 */
export type ErrorCode =
  | "invalid"
  | "not-found"
  | "sign-in"
  | "forbidden"
  | "conflict"
  | "busy"
  /** The member has no Databricks sign-in of their own on this (user-to-machine) connection: offer "Connect with Databricks". */
  | "databricks-sign-in";

/** What every server action returns: data, or a message meant for the user and its kind. */
export type ActionResult<T> = { ok: true; data: T } | Failure;

/** A failed action: the message for the user, and its kind ("internal": unexpected, with a logged reference). */
export type Failure = { ok: false; error: string; code: ErrorCode | "internal" };

/** A failure made where it is known (a form's own check, an unreachable server), without a thrown error. */
export function failed(error: string, code: Failure["code"] = "invalid"): Failure {
  return { ok: false, error, code };
}

/** A call that never answered (the network, or the server restarting): said in words, nothing is lost. */
export const UNREACHABLE = "The server could not be reached. Check your connection and try again.";

const USER_ERROR = Symbol.for("lakebook.UserError");

/** An expected failure whose message is safe and useful to show as it is. */
export class UserError extends Error {
  readonly [USER_ERROR] = true;

  constructor(
    message: string,
    readonly code: ErrorCode = "invalid",
  ) {
    super(message);
    this.name = "UserError";
  }

  /** Recognised by a registered symbol: each Next.js server bundle has its own copy of this class. */
  static is(error: unknown): error is UserError {
    return typeof error === "object" && error !== null && USER_ERROR in error;
  }

  /** Whether `error` is an expected failure of this kind. */
  static isCode(error: unknown, code: ErrorCode): boolean {
    return UserError.is(error) && error.code === code;
  }
}

export const NOT_FOUND = "Not found: it does not exist, or you do not have access to it.";

/**
 * Something that does not exist, or that the caller may not see: the two are
 * one answer, so that an id tells nothing about what it names.
 */
export function notFoundError(): UserError {
  return new UserError(NOT_FOUND, "not-found");
}
