import { runJson } from "@/lib/server/api/json";
import { apiJson } from "@/lib/server/api/problem";
import { ApiProblem, apiRoute } from "@/lib/server/api/route";
import { MAX_WAIT_SECONDS } from "@/lib/server/api/v1";
import { readable } from "@/lib/server/runs/access";
import { cancelRun, runEnded } from "@/lib/server/runs/runs";

export const dynamic = "force-dynamic";

/** A run's status; `?wait=<seconds>` (at most 60) answers as soon as it ends, or when the wait is over. */
export const GET = apiRoute("GET /api/v1/runs/{id}", "read", async (call) => {
  const wait = call.url.searchParams.get("wait") ?? "0";
  if (!/^\d{1,3}$/.test(wait) || Number(wait) > MAX_WAIT_SECONDS)
    throw new ApiProblem(400, `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}.`);
  const view = await runEnded(call.user, call.params.id, Number(wait) * 1000, call.request.signal);
  const record = await readable(call.user, view.id);
  call.audit = { objectType: "run", objectId: view.id };
  return apiJson(runJson(view, record, call.url.origin));
});

/** Cancels a run: its member's own (with a token that may run), or anyone's for an admin. */
export const DELETE = apiRoute("DELETE /api/v1/runs/{id}", null, async (call) => {
  if (!call.token.scopes.includes("run") && !call.token.scopes.includes("sql"))
    throw new ApiProblem(403, "Cancelling a run needs a token with the “run queries” or “run SQL” scope.");
  const view = await cancelRun(call.user, call.params.id);
  const record = await readable(call.user, view.id).catch(() => ({ queryId: null }));
  call.audit = { objectType: "run", objectId: view.id };
  return apiJson(runJson(view, record, call.url.origin), 202);
});
