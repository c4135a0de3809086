import { PAGE_SIZES } from "@/lib/results/paging";
import { z } from "@/lib/zod";

/** Input of the run actions: start, follow, page, read one cell. */

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
});

export const runStateInput = z.object({
  runId,
  knownRows: z.number().int().min(-1),
  waitMs: z.number().int().min(0).max(1_000),
});

export const runIdInput = z.object({ runId });

export const pageInput = z.object({
  runId,
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: pageSize,
  sort: z.object({ column: z.number().int().min(0), direction: z.enum(["asc", "desc"]) }).nullable(),
});

export const cellInput = z.object({
  runId,
  rowId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  column: z.number().int().min(0),
});
