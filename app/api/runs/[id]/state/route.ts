import { stateQuery } from "@/lib/schemas/runs";
import { readRoute } from "@/lib/server/actions/read-route";
import { runState } from "@/lib/server/runs/runs";

export const dynamic = "force-dynamic";

/**
 * A run's state, waiting up to `wait` ms for news (a status change, or more
 * rows than `known`): the long poll the editor follows a run with, apart from
 * page reads so that neither waits for the other.
 */
export const GET = readRoute(stateQuery, (id, { known, wait }, user) => runState(user, id, known, wait), {
  foreground: false,
});
