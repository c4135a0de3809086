import { AGGREGATES, CHART_KINDS } from "@/lib/notebooks/types";
import { z } from "@/lib/zod";

const columnName = z.string().max(1000);

/** A chart of a result, as a notebook cell and an editor tab (and its saved query) keep it. */
export const chartSpecInput = z.object({
  kind: z.enum(CHART_KINDS),
  x: columnName,
  y: z.array(columnName).max(20),
  group: columnName.nullable(),
  aggregate: z.enum(AGGREGATES),
});
