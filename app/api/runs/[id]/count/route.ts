import { countQuery } from "@/lib/schemas/runs";
import { ENDED_RUN_SECONDS, Lasting, readRoute } from "@/lib/server/actions/read-route";
import { filteredRows } from "@/lib/server/runs/reads";

export const dynamic = "force-dynamic";

/**
 * How many rows of an ended run a filter keeps: `?filter=<json>&sort=…`. It
 * waits while the filter's index is built (the first filtered page does not).
 */
export const GET = readRoute(countQuery, async (id, { filter, sort }, user) => {
  return new Lasting(await filteredRows(user, id, filter, sort ?? null), ENDED_RUN_SECONDS);
});
