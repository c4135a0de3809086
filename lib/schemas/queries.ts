import { MAX_DRAFT_CHARS } from "@/lib/tabs";
import { z } from "@/lib/zod";
import { chartSpecInput } from "./charts";
import { parameterSpecs } from "./parameters";

/** Input of the saved-query and editor-tab actions. */

const id = z.string().max(64);

export const queryFieldsInput = z.object({
  title: z.string().trim().min(1, "Give the query a title.").max(200, "Keep the title under 200 characters."),
  description: z.string().trim().max(4000, "Keep the description under 4,000 characters.").default(""),
  sql: z.string().max(MAX_DRAFT_CHARS, "The SQL is too large to save."),
  connectionId: id,
  /** The widgets of the SQL's `:name` parameters, with their defaults. */
  parameters: parameterSpecs.optional(),
  /** The chart of its result (null: none); left out, a save keeps the saved one. */
  chart: chartSpecInput.nullable().optional(),
});
export const createQueryInput = queryFieldsInput.extend({ tabId: id.optional() });
export const saveQueryInput = queryFieldsInput.extend({
  id,
  baseVersion: z.number().int().min(1),
  tabId: id.optional(),
});
export const queryIdInput = z.object({ queryId: id });
export const queryVersionInput = z.object({ queryId: id, version: z.number().int().min(1) });
export const listQueriesInput = z.object({
  scope: z.enum(["mine", "shared", "all"]),
  search: z.string().max(200).default(""),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const tabIdInput = z.object({ tabId: id });
export const draftInput = z.object({
  tabId: id,
  sql: z.string().max(MAX_DRAFT_CHARS, "This draft is too large to keep on the server."),
  connectionId: id,
  revision: z.number().int().min(1),
  parameters: parameterSpecs.optional(),
  chart: chartSpecInput.nullable().optional(),
});
export const openTabInput = z.union([
  z.object({ queryId: id }),
  z.object({
    title: z.string().trim().min(1).max(200),
    sql: z.string().max(MAX_DRAFT_CHARS),
    connectionId: id,
    parameters: parameterSpecs.optional(),
    chart: chartSpecInput.nullable().optional(),
  }),
]);
export const linkTabInput = z.object({ tabId: id, queryId: id, version: z.number().int().min(1) });
