import { RUN_STATUSES } from "@/lib/history";
import { z } from "@/lib/zod";

/**
 * Filters of the history page, read from its URL. A value that makes no sense
 * is dropped rather than refused: a hand-edited link still opens.
 */
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const blankIsUnset = (value: unknown) => (first(value) === "" ? undefined : first(value));
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankIsUnset, schema.optional()).catch(undefined) as unknown as z.ZodOptional<T>;
const day = z.string().regex(/^\d{4}-\d\d-\d\d$/);
const short = z.string().trim().max(64);

export const historyFiltersInput = z.object({
  status: optional(z.enum(RUN_STATUSES)),
  connection: optional(short),
  user: optional(short),
  from: optional(day),
  to: optional(day),
  q: optional(z.string().max(200)),
  tz: optional(short),
  before: optional(z.string().max(120)),
  after: optional(z.string().max(120)),
});

export const historySqlInput = z.object({ runId: z.string().max(64) });
