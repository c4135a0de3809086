import {
  MAX_FILTER_PARAM_CHARS,
  MAX_FILTER_VALUE_CHARS,
  MAX_FILTERS,
  MAX_LIST_VALUES,
  type ResultFilter,
} from "@/lib/results/filters";
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
/** `<column>:<asc|desc>`, e.g. `3:desc`. */
const sortText = z
  .string()
  .regex(/^\d{1,4}:(asc|desc)$/, "Sort as <column>:<asc|desc>.")
  .transform((s) => {
    const [column, direction] = s.split(":");
    return { column: Number(column), direction: direction as "asc" | "desc" };
  });

const count = (max: number) => z.coerce.number().int().min(0).max(max);

export const pageQuery = z.object({
  offset: count(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Unsupported page size."),
  sort: sortText.optional(),
  /** Only the rows this filter keeps (see lib/results/filters.ts). */
  filter: z.lazy(() => filterText).optional(),
});

const filterValue = z
  .string()
  .max(MAX_FILTER_VALUE_CHARS, `A filter value holds at most ${MAX_FILTER_VALUE_CHARS} characters.`);
const filterColumn = z.number().int().min(0).max(100_000);
const columnFilter = z.discriminatedUnion("op", [
  z.object({ column: filterColumn, op: z.enum(["contains", "equals", "starts"]), value: filterValue }),
  z.object({ column: filterColumn, op: z.literal("range"), min: filterValue.nullable(), max: filterValue.nullable() }),
  z.object({ column: filterColumn, op: z.enum(["null", "notnull"]) }),
  z.object({
    column: filterColumn,
    op: z.literal("in"),
    values: z.array(filterValue).max(MAX_LIST_VALUES, `A list holds at most ${MAX_LIST_VALUES} values.`),
  }),
]);
export const resultFilter = z.object({
  columns: z.array(columnFilter).max(MAX_FILTERS, `At most ${MAX_FILTERS} filters.`),
  search: filterValue,
});

/** `filter` of the page and count routes: a ResultFilter as JSON (filterParam). */
const filterText = z
  .string()
  .max(MAX_FILTER_PARAM_CHARS, "The filters are too long: remove some, or shorten their values.")
  .transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "The filter is not valid JSON." });
      return z.NEVER;
    }
    const parsed = resultFilter.safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "The filter is not valid." });
      return z.NEVER;
    }
    return parsed.data as ResultFilter;
  });

export const countQuery = z.object({ sort: sortText.optional(), filter: filterText });

/** The view a download of "this view" reads: the grid's filter and sort (both optional). */
export const viewQuery = z.object({ sort: sortText.optional(), filter: filterText.optional() });

export const stateQuery = z.object({
  known: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER),
  wait: count(1_000),
});

export const profileQuery = z.object({ column: count(100_000) });

export const cellQuery = z.object({
  row: count(Number.MAX_SAFE_INTEGER),
  column: count(100_000),
});
