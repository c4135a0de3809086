import { runJson } from "@/lib/server/api/json";
import { apiJson } from "@/lib/server/api/problem";
import { apiRoute } from "@/lib/server/api/route";
import { startStatement } from "@/lib/server/api/v1";

export const dynamic = "force-dynamic";

/** Runs ad-hoc SQL on a connection the member can use: `{ "connection", "sql", "parameters"? }`. Answers 202 with the run. */
export const POST = apiRoute("POST /api/v1/statements", "sql", async (call) => {
  const run = await startStatement(call.user, call.request);
  call.audit = { objectType: "run", objectId: run.id };
  return apiJson(runJson(run, { queryId: null }, call.url.origin), 202);
});
