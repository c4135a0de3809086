import { runJson } from "@/lib/server/api/json";
import { parametersFrom } from "@/lib/server/api/parameters";
import { apiJson } from "@/lib/server/api/problem";
import { ApiProblem, apiRoute } from "@/lib/server/api/route";
import { startQueryRun } from "@/lib/server/api/v1";
import { readTextBody } from "@/lib/server/http/body";
import { queryFor } from "@/lib/server/queries";

export const dynamic = "force-dynamic";

/** Starts the saved query: body `{ "parameters": { "<name>": "<value>" } }` (optional). Answers 202 with the run. */
export const POST = apiRoute("POST /api/v1/queries/{id}/runs", "run", async (call) => {
  const { query } = await queryFor(call.user, call.params.id, "run");
  call.audit = { objectType: "query", objectId: query.id };
  const text = await readTextBody(call.request, 256 * 1024, () => "The request body is over 256 KiB.");
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiProblem(400, 'The body is not JSON. Send {"parameters": {"name": "value"}} or nothing.');
    }
  }
  const given = (body as { parameters?: unknown } | null)?.parameters ?? {};
  if (typeof given !== "object" || given === null || Array.isArray(given))
    throw new ApiProblem(400, '"parameters" must be an object of names and values.');
  const run = await startQueryRun(call.user, query, parametersFrom(query, given as Record<string, unknown>));
  call.audit.detail = `run ${run.id}`;
  return apiJson(runJson(run, { queryId: query.id }, call.url.origin), 202);
});
