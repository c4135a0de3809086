import { UserError } from "@/lib/action-result";
import { parametersFrom } from "@/lib/server/api/parameters";
import { resultBody, resultFormat } from "@/lib/server/api/results";
import { ApiProblem, apiRoute } from "@/lib/server/api/route";
import { awaitRunFor, recentResult, startQueryRun, viewableQuery } from "@/lib/server/api/v1";
import { queryFor } from "@/lib/server/queries";

export const dynamic = "force-dynamic";

/**
 * `results.{csv|tsv|json|ndjson|parquet}`: the one-line pull. Runs the saved
 * query now with `?p.<name>=value` (or reuses its latest result when
 * `?max_age=<seconds>` allows), waits for it, and streams the result.
 */
export const GET = apiRoute("GET /api/v1/queries/{id}/results", "read", async (call) => {
  const { user, url, request, token } = call;
  const format = resultFormat(call.params.file);
  const { query } = await viewableQuery(user, call.params.id);
  call.audit = { objectType: "query", objectId: query.id };
  const parameters = parametersFrom(query, url.searchParams);
  const maxAge = url.searchParams.get("max_age");
  if (maxAge !== null && !/^\d{1,9}$/.test(maxAge))
    throw new ApiProblem(400, "max_age must be a whole number of seconds.");
  const recent = maxAge !== null ? await recentResult(user, query, parameters, Number(maxAge)) : null;
  let runId = recent?.id;
  if (!runId) {
    if (!token.scopes.includes("run"))
      throw new ApiProblem(
        403,
        "Running the query needs a token with the “run queries” scope (or use max_age to read a recent result).",
      );
    await queryFor(user, query.id, "run");
    const run = await startQueryRun(user, query, parameters);
    const ended = await awaitRunFor(user, run.id, request.signal);
    if (ended.status !== "succeeded")
      throw new UserError(
        ended.error?.message ?? `The run was ${ended.status}.`,
        ended.status === "failed" ? "invalid" : "conflict",
      );
    runId = run.id;
  }
  const { body, headers, rows } = await resultBody(user, runId, format, url);
  call.audit = { objectType: "query", objectId: query.id, rows, detail: `run ${runId}${recent ? " (reused)" : ""}` };
  return new Response(body, { headers });
});
