import "server-only";
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { type ActionResult, UserError } from "@/lib/action-result";
import { currentActor } from "../actor";
import type { Actor } from "../runs/runs";

/**
 * The one way into server code from the browser: identifies the caller, parses
 * the input with zod, runs the handler, and turns failures into a message.
 * Expected failures (UserError) keep their message; anything else is logged
 * with a reference and reported without internals.
 */
export function action<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>, actor: Actor) => Promise<T>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const actor = await currentActor();
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        return { ok: false, error: `Invalid request: ${parsed.error.issues[0]?.message ?? "bad input"}` };
      return { ok: true, data: await handler(parsed.data, actor) };
    } catch (error) {
      return { ok: false, error: failureMessage(error) };
    }
  };
}

export function failureMessage(error: unknown): string {
  if (UserError.is(error)) return error.message;
  const reference = randomBytes(4).toString("hex");
  console.error(`[lakebook] unexpected error (reference ${reference}):`, error);
  return `Something went wrong on the server (reference ${reference}). Your work is unchanged; try again.`;
}
