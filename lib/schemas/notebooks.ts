import { MAX_CELLS, MAX_NOTEBOOK_CHARS } from "@/lib/notebooks/limits";
import { PAGE_SIZES } from "@/lib/results/paging";
import { MAX_DRAFT_CHARS } from "@/lib/tabs";
import { z } from "@/lib/zod";
import { chartSpecInput } from "./charts";
import { parameterSpecs } from "./parameters";

/** Input of the notebook actions. */

export { MAX_CELLS, MAX_NOTEBOOK_CHARS };

const id = z.string().max(64);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "Invalid cell id.");
const pageSize = z.number().refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Unsupported page size.");

export const cellInput = z.object({
  id: uuid,
  kind: z.enum(["sql", "markdown"]),
  source: z.string().max(MAX_DRAFT_CHARS, "A cell is too large to save."),
  connectionId: id.nullable(),
  chart: chartSpecInput.nullable(),
});

export const notebookContentInput = z
  .object({
    title: z.string().trim().min(1, "Give the notebook a title.").max(200, "Keep the title under 200 characters."),
    connectionId: id,
    cells: z.array(cellInput).max(MAX_CELLS, `A notebook holds at most ${MAX_CELLS} cells.`),
    parameters: parameterSpecs.optional(),
  })
  .refine((c) => new Set(c.cells.map((cell) => cell.id)).size === c.cells.length, "Two cells have the same id.")
  .refine(
    (c) => c.cells.reduce((n, cell) => n + cell.source.length, 0) <= MAX_NOTEBOOK_CHARS,
    "The notebook is too large to save; split it into several.",
  );

export const notebookIdInput = z.object({ notebookId: id });
export const saveNotebookInput = z.object({
  notebookId: id,
  baseVersion: z.number().int().min(1),
  content: notebookContentInput,
});
export const listNotebooksInput = z.object({
  scope: z.enum(["mine", "shared", "all"]),
  search: z.string().max(200).default(""),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
export const runCellInput = z.object({ notebookId: id, cellId: uuid, pageSize, parameters: parameterSpecs.optional() });
/**
 * The Export menu's choices: Jupyter (.ipynb with `%%sql` cells, connecting
 * through Lakebook's API or straight to a Databricks warehouse), Databricks'
 * own .ipynb flavour (`%sql` cells), or a Databricks-style .sql file.
 */
export const exportNotebookInput = z.object({
  notebookId: id,
  format: z.enum(["ipynb", "databricks", "sql"]).default("ipynb"),
  connect: z.enum(["lakebook", "warehouse"]).default("lakebook"),
});
export const cellToQueryInput = z.object({
  notebookId: id,
  cellId: uuid,
  title: z.string().trim().min(1, "Give the query a title.").max(200),
  description: z.string().trim().max(4000, "Keep the description under 4,000 characters.").default(""),
});
export const queryToCellInput = z.object({ queryId: id });
export const chartDataInput = z.object({ runId: z.string().max(64), chart: chartSpecInput });
