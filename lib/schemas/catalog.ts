import { z } from "@/lib/zod";

/** Input of the catalog actions (the schema browser). */

const name = z.string().min(1).max(255);
const connectionId = z.string().max(64);
export const catalogsInput = z.object({ connectionId });
export const schemasInput = z.object({ connectionId, catalog: name });
export const tablesInput = z.object({ connectionId, catalog: name, schema: name });
export const columnsInput = z.object({ connectionId, catalog: name, schema: name, table: name });
export const searchTablesInput = z.object({ connectionId, text: z.string().trim().min(1).max(255) });
