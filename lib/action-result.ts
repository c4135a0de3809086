/** What every server action returns: data, or a message meant for the user. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string };

/** An expected failure whose message is safe and useful to show as it is. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export const NOT_FOUND = "Not found: it does not exist, or you do not have access to it.";
