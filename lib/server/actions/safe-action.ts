import "server-only";
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { type ActionResult, type Failure, failed, UserError } from "@/lib/action-result";
import { containsNul, NUL_MESSAGE } from "@/lib/text-input";
import { requireAdmin, requireUser } from "../auth/session";
import type { User } from "../db/schema";
import { EngineError } from "../engines/types";
import { log } from "../log";

type Handler<S extends z.ZodType, T> = (input: z.infer<S>, user: User) => Promise<T>;

/**
 * The one way into server code from the browser: checks the session, parses
 * the input with zod, runs the handler (which authorizes what it touches), and
 * turns failures into a message. Expected failures (UserError) keep their
 * message; anything else is logged with a reference and reported without
 * internals — never echoing submitted input, which may hold a secret.
 */
export function action<S extends z.ZodType, T>(schema: S, handler: Handler<S, T>) {
  return guarded(schema, handler, requireUser);
}

/** As `action`, for admins only. */
export function adminAction<S extends z.ZodType, T>(schema: S, handler: Handler<S, T>) {
  return guarded(schema, handler, requireAdmin);
}

function guarded<S extends z.ZodType, T>(schema: S, handler: Handler<S, T>, authenticate: () => Promise<User>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const user = await authenticate();
      if (containsNul(raw)) return failed(NUL_MESSAGE);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return failed(invalidInput(parsed.error));
      return { ok: true, data: await handler(parsed.data, user) };
    } catch (error) {
      return failure(error);
    }
  };
}

/**
 * An action a signed-out visitor may call (first setup, joining by invitation,
 * a reset link): no session to check, so the handler itself must hold the
 * proof (a token, or a server with no account yet). Input is refused as in
 * `action`, with the first problem's own words, as its form shows them.
 */
export function signedOutAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    try {
      if (containsNul(raw)) return failed(NUL_MESSAGE);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return failed(parsed.error.issues[0]?.message ?? "Invalid input.");
      return { ok: true, data: await handler(parsed.data) };
    } catch (error) {
      return failure(error);
    }
  };
}

function invalidInput(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.join(".");
  return `Invalid request${field ? ` (${field})` : ""}: ${issue?.message ?? "bad input"}`;
}

/** A thrown error as an action's answer: its message (see `failureMessage`) and its kind. */
export function failure(error: unknown): Failure {
  const code = UserError.is(error) ? error.code : EngineError.is(error) ? "invalid" : "internal";
  return failed(failureMessage(error), code);
}

export function failureMessage(error: unknown): string {
  // Engine errors are written for the user (bad SQL, unreachable warehouse) and never hold secrets.
  if (UserError.is(error) || EngineError.is(error)) return error.message;
  const reference = randomBytes(4).toString("hex");
  log.error(`unexpected error (reference ${reference})`, error);
  return `Something went wrong on the server (reference ${reference}). Your work is unchanged; try again.`;
}
