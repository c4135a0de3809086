import { pageQuery } from "@/lib/schemas/runs";
import { ENDED_RUN_SECONDS, Lasting, readRoute } from "@/lib/server/actions/read-route";
import { stored } from "@/lib/server/runs/access";
import { pageOf } from "@/lib/server/runs/reads";

export const dynamic = "force-dynamic";

/**
 * A page of a run's stored result: `?offset=&limit=&sort=<column>:<asc|desc>&filter=<json>`.
 * A filtered page whose rows are still being counted (`total: null`) is not kept by the browser.
 */
export const GET = readRoute(pageQuery, async (id, { offset, limit, sort, filter }, user) => {
  const record = await stored(user, id);
  const page = await pageOf(record, offset, limit, sort ?? null, filter ?? null);
  return record.status === "running" || page.total === null ? page : new Lasting(page, ENDED_RUN_SECONDS);
});
