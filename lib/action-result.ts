/** What every server action returns: data, or a message meant for the user. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string };

const USER_ERROR = Symbol.for("lakebook.UserError");

/** An expected failure whose message is safe and useful to show as it is. */
export class UserError extends Error {
  readonly [USER_ERROR] = true;

  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }

  /** Recognised by a registered symbol: each Next.js server bundle has its own copy of this class. */
  static is(error: unknown): error is UserError {
    return typeof error === "object" && error !== null && USER_ERROR in error;
  }
}

export const NOT_FOUND = "Not found: it does not exist, or you do not have access to it.";
