import { completionQuery } from "@/lib/schemas/completions";
import { readRoute } from "@/lib/server/actions/read-route";
import { completions } from "@/lib/server/completions/candidates";

export const dynamic = "force-dynamic";

/**
 * The editor's completion at one position: `?kind=relations|columns|words&path=<JSON array>&prefix=`
 * (lib/completions.ts). A GET route, so that typing never waits behind a server action.
 */
export const GET = readRoute(completionQuery, (id, query, user) => completions(user, id, query));
