import { pageQuery } from "@/lib/schemas/runs";
import { ENDED_RUN_SECONDS, Lasting, readRoute } from "@/lib/server/actions/read-route";
import { stored } from "@/lib/server/runs/access";
import { pageOf } from "@/lib/server/runs/reads";

export const dynamic = "force-dynamic";

/** A page of a run's stored result: `?offset=&limit=&sort=<column>:<asc|desc>`. */
export const GET = readRoute(pageQuery, async (id, { offset, limit, sort }, user) => {
  const record = await stored(user, id);
  const page = await pageOf(record, offset, limit, sort ?? null);
  return record.status === "running" ? page : new Lasting(page, ENDED_RUN_SECONDS);
});
