import { PAGE_SIZES } from "@/lib/results/paging";
import { z } from "@/lib/zod";
import { parameterSpecs } from "./parameters";

/** Input of the run actions (start, cancel) and of the read routes (state, page, one cell). */

const runId = z.string().max(64);
const pageSize = z.number().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Unsupported page size.");
// The byte limit on SQL is checked (with a clear message) by the run itself;
// this only stops absurd payloads early.
const sql = z.string().max(16 * 1024 * 1024, "The statement is far too large to run.");
const id = z.string().max(64);

export const startRunInput = z.object({
  sql,
  connectionId: z.string().max(64),
  /** The editor tab that runs: one run at a time per tab, and the tab remembers it. */
  lane: z.string().regex(/^[\w-]{1,64}$/),
  pageSize,
  /** The saved query the tab edits, if any. */
  queryId: id.min(1).nullish(),
  /** Values of the text's `:name` parameters. */
  parameters: parameterSpecs.optional(),
});

export const runIdInput = z.object({ runId });

/**
 * The query strings of the read routes (GET /api/runs/<id>/page, /state,
 * /cell): the same bounds as the actions' input, from text.
 */
const count = (max: number) => z.coerce.number().int().min(0).max(max);

export const pageQuery = z.object({
  offset: count(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Unsupported page size."),
  /** `<column>:<asc|desc>`, e.g. `3:desc`. */
  sort: z
    .string()
    .regex(/^\d{1,4}:(asc|desc)$/, "Sort as <column>:<asc|desc>.")
    .transform((s) => {
      const [column, direction] = s.split(":");
      return { column: Number(column), direction: direction as "asc" | "desc" };
    })
    .optional(),
});

export const stateQuery = z.object({
  known: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER),
  wait: count(1_000),
});

export const cellQuery = z.object({
  row: count(Number.MAX_SAFE_INTEGER),
  column: count(100_000),
});
