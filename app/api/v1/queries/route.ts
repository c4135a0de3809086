import { queryJson } from "@/lib/server/api/json";
import { apiJson } from "@/lib/server/api/problem";
import { ApiProblem, apiRoute } from "@/lib/server/api/route";
import { listVisibleQueries } from "@/lib/server/queries";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

const MAX_LIMIT = 200;

/** The saved queries the token's member can view, newest first: `?search=&offset=&limit=`. */
export const GET = apiRoute("GET /api/v1/queries", "read", async ({ url, user }) => {
  const offset = Number(url.searchParams.get("offset") ?? "0");
  const limit = Number(url.searchParams.get("limit") ?? "50");
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ApiProblem(400, "offset must be a whole number, 0 or more.");
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new ApiProblem(400, `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  const search = (url.searchParams.get("search") ?? "").slice(0, 200);
  await runtime();
  const { items, more } = await listVisibleQueries(user, { search, offset, limit });
  return apiJson({ queries: items.map((q) => queryJson(q.query, q.ownerName, false)), more });
});
