import { profileQuery } from "@/lib/schemas/runs";
import { ENDED_RUN_SECONDS, Lasting, readRoute } from "@/lib/server/actions/read-route";
import { readProfile } from "@/lib/server/runs/reads";

export const dynamic = "force-dynamic";

/** A column's profile over every row of an ended run's stored result: `?column=<index>`. */
export const GET = readRoute(profileQuery, async (id, { column }, user) => {
  return new Lasting(await readProfile(user, id, column), ENDED_RUN_SECONDS);
});
