import { MAX_NAME } from "@/lib/completions";
import { z } from "@/lib/zod";

const part = z.string().min(1).max(MAX_NAME);

/** A JSON array of names in a query string, checked by `names` (short: parsed only within the limit). */
function jsonNames<S extends z.ZodType<string[]>>(names: S, what: string) {
  return z
    .string()
    .max(4 * (MAX_NAME + 8))
    .transform((text, context): z.infer<S> => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        context.addIssue({ code: "custom", message: `${what} is not a JSON array` });
        return z.NEVER;
      }
      const checked = names.safeParse(parsed);
      if (!checked.success) {
        context.addIssue({ code: "custom", message: `${what} has too many names, or an empty or long one` });
        return z.NEVER;
      }
      return checked.data;
    });
}

/** The query string of GET /api/connections/<id>/completions (lib/completions.ts). */
export const completionQuery = z.object({
  kind: z.enum(["relations", "columns", "words"]),
  // At most three name parts (catalog, schema, table), as typed.
  path: jsonNames(z.array(part).max(3), "path").default([]),
  prefix: z.string().max(MAX_NAME).default(""),
  // The editor tab's catalog and schema.
  place: jsonNames(z.array(part).length(2), "place").optional(),
});

export const refreshCompletionsInput = z.object({ connectionId: z.string().max(64) });
