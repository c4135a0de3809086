import { queryJson } from "@/lib/server/api/json";
import { apiJson } from "@/lib/server/api/problem";
import { apiRoute } from "@/lib/server/api/route";
import { ownerName, viewableQuery } from "@/lib/server/api/v1";

export const dynamic = "force-dynamic";

/** One saved query the member can view, with its SQL and its parameters' types and defaults. */
export const GET = apiRoute("GET /api/v1/queries/{id}", "read", async (call) => {
  const { query } = await viewableQuery(call.user, call.params.id);
  call.audit = { objectType: "query", objectId: query.id };
  return apiJson(queryJson(query, await ownerName(query), true));
});
