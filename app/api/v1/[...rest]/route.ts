import { problem } from "@/lib/server/api/problem";

export const dynamic = "force-dynamic";

const NO_SUCH_ROUTE = "There is no such route in the Lakebook API. The routes are listed at /api/v1/openapi.json.";

/** Any path under /api/v1 that is not a route: a problem, as every API answer, not the app's HTML page. */
async function notFound() {
  return problem(404, NO_SUCH_ROUTE);
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
