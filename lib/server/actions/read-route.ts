import "server-only";
import type { z } from "zod";
import { type ActionResult, failed } from "@/lib/action-result";
import { containsNul, NUL_MESSAGE } from "@/lib/text-input";
import { requireUser } from "../auth/session";
import type { User } from "../db/schema";
import { foregroundRead } from "../foreground";
import { STATUS } from "./route-error";
import { failure } from "./safe-action";
import { isSameOrigin } from "./same-origin";

/** An answer the browser may keep for a while (the page of a run that has ended never changes). */
export class Lasting<T> {
  constructor(
    readonly data: T,
    readonly seconds: number,
  ) {}
}

/** How long the browser keeps a read of a run that has ended: it never changes (the result may expire). */
export const ENDED_RUN_SECONDS = 300;

type Context = { params: Promise<{ id: string }> };
type Handler<S extends z.ZodType, T> = (id: string, input: z.infer<S>, user: User) => Promise<T | Lasting<T>>;

const CROSS_SITE = "Results are read only by Lakebook's own pages.";

/**
 * A GET route that reads something about one object for the signed-in member:
 * what server actions do for changes, for reads. Unlike actions, which a
 * browser sends one at a time, reads run side by side (a page is not kept
 * waiting behind a long poll or an autosave), can be cached by the browser,
 * and cost no React rendering. The query string is parsed with `schema`; the
 * answer is the JSON of an action's result, with the HTTP status of its kind.
 */
export function readRoute<S extends z.ZodType, T>(
  schema: S,
  handler: Handler<S, T>,
  options: {
    /**
     * Counted as a member's read in flight, before bulk work (foreground.ts):
     * every read but a long poll, which mostly waits.
     */
    foreground?: boolean;
  } = {},
) {
  const route = async (request: Request, context: Context): Promise<Response> => {
    if (!isSameOrigin(request)) return answer(failed(CROSS_SITE, "forbidden"));
    const timing = new ServerTiming();
    try {
      const user = await requireUser();
      timing.mark("session");
      const { id } = await context.params;
      const query = Object.fromEntries(new URL(request.url).searchParams);
      if (containsNul(id) || containsNul(query)) return answer(failed(NUL_MESSAGE));
      const parsed = schema.safeParse(query);
      if (!parsed.success) return answer(failed(`Invalid request: ${parsed.error.issues[0]?.message ?? "bad input"}`));
      const result = await handler(id, parsed.data, user);
      timing.mark("read");
      return result instanceof Lasting
        ? answer({ ok: true, data: result.data }, result.seconds, timing)
        : answer({ ok: true, data: result }, 0, timing);
    } catch (error) {
      return answer(failure(error));
    }
  };
  if (options.foreground === false) return route;
  return (request: Request, context: Context) => foregroundRead(() => route(request, context));
}

/**
 * How long the server spent on a read, by step (`Server-Timing`: a browser's
 * developer tools show it under the request, and the bench reads it to tell
 * the server's time from the network's). Durations only, nothing of the data.
 */
class ServerTiming {
  private last = performance.now();
  private readonly steps: string[] = [];

  mark(step: string): void {
    const now = performance.now();
    this.steps.push(`${step};dur=${(now - this.last).toFixed(1)}`);
    this.last = now;
  }

  toString(): string {
    return this.steps.join(", ");
  }
}

function answer<T>(result: ActionResult<T>, seconds = 0, timing?: ServerTiming): Response {
  return Response.json(result, {
    status: result.ok ? 200 : STATUS[result.code],
    headers: {
      ...(timing ? { "Server-Timing": timing.toString() } : {}),
      // Per member (the session cookie decides what they see); never in a shared cache.
      "Cache-Control": seconds > 0 ? `private, max-age=${seconds}` : "no-store",
      Vary: "Cookie",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
