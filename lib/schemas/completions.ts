import { MAX_NAME } from "@/lib/completions";
import { z } from "@/lib/zod";

const part = z.string().min(1).max(MAX_NAME);

/** The query string of GET /api/connections/<id>/completions (lib/completions.ts). */
export const completionQuery = z.object({
  kind: z.enum(["relations", "columns", "words"]),
  // A JSON array of at most three name parts (catalog, schema, table), as typed.
  path: z
    .string()
    .max(4 * (MAX_NAME + 8))
    .default("[]")
    .transform((text, context) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        context.addIssue({ code: "custom", message: "path is not a JSON array" });
        return z.NEVER;
      }
      const checked = z.array(part).max(3).safeParse(parsed);
      if (!checked.success) {
        context.addIssue({ code: "custom", message: "path must be at most three names" });
        return z.NEVER;
      }
      return checked.data;
    }),
  prefix: z.string().max(MAX_NAME).default(""),
});

export const refreshCompletionsInput = z.object({ connectionId: z.string().max(64) });
