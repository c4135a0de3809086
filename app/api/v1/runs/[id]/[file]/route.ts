import { resultBody, resultFormat } from "@/lib/server/api/results";
import { apiRoute } from "@/lib/server/api/route";

export const dynamic = "force-dynamic";

/** `results.{csv|tsv|json|ndjson|parquet}` of a run the member can read; `results.json` takes `offset` and `limit`. */
export const GET = apiRoute("GET /api/v1/runs/{id}/results", "read", async (call) => {
  const format = resultFormat(call.params.file);
  const { body, headers, rows } = await resultBody(call.user, call.params.id, format, call.url);
  call.audit = { objectType: "run", objectId: call.params.id, rows };
  return new Response(body, { headers });
});
