import "server-only";
import { randomUUID } from "node:crypto";
import type { RunView } from "@/lib/results/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import { engineFor } from "../connections/engines";
import { runsRanBy } from "../db/queries/runs";
import { findUser } from "../db/queries/users";
import type { Query, User } from "../db/schema";
import { readTextBody } from "../http/body";
import { withServerChoices } from "../parameter-choices";
import { queryFor } from "../queries";
import { readable } from "../runs/access";
import type { RunRecord } from "../runs/catalog";
import { cancelRun, runEnded, startRun } from "../runs/runs";
import { runtime } from "../runtime";
import { API_FORMATS, type ApiFormat, MAX_JSON_LIMIT, MAX_WAIT_SECONDS } from "./formats";
import { statementParameters } from "./parameters";
import { ApiProblem } from "./route";

export { API_FORMATS, type ApiFormat, MAX_JSON_LIMIT, MAX_WAIT_SECONDS };

/**
 * What the API's routes do with saved queries and runs: find a query the
 * member may view, start a run (of a saved query or of ad-hoc SQL), reuse a
 * recent result, wait for a run to end. The JSON they answer is in json.ts,
 * the parameters they read in parameters.ts, a result as a file in results.ts.
 */

const MAX_STATEMENT_BODY = 2 * 1024 * 1024;

/** A saved query the member may view; anything else is a 404, whatever the reason. */
export async function viewableQuery(user: User, id: string) {
  return queryFor(user, id, "view");
}

export async function ownerName(query: Query): Promise<string> {
  const { db } = await runtime();
  return (await findUser(db, query.ownerId))?.name ?? "(removed user)";
}

/** Starts the saved query as the member, in a lane of its own (API runs never replace each other). */
export async function startQueryRun(user: User, query: Query, parameters: ParameterSpec[]) {
  const { run } = await startRun(
    user,
    {
      sql: query.sql,
      connectionId: query.connectionId,
      lane: `api-${randomUUID()}`,
      pageSize: 0,
      queryId: query.id,
      parameters: await withServerChoices(user, parameters),
    },
    await engineFor(user, query.connectionId),
  );
  return run;
}

/** Ad-hoc SQL on a connection the member can use: `{ connection, sql, parameters? }`. */
export async function startStatement(user: User, request: Request) {
  const text = await readTextBody(
    request,
    MAX_STATEMENT_BODY,
    () =>
      `The request body is over ${MAX_STATEMENT_BODY / 1024 / 1024} MiB. Send the SQL as JSON: {"connection": …, "sql": …}.`,
  );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiProblem(400, 'The body is not JSON. Send {"connection": "<connection id>", "sql": "<SQL>"}.');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiProblem(400, 'The body must be a JSON object: {"connection": "<connection id>", "sql": "<SQL>"}.');
  const { connection, sql, parameters } = body as Record<string, unknown>;
  if (typeof connection !== "string" || connection.length === 0 || connection.length > 64)
    throw new ApiProblem(
      400,
      '"connection" must be the id of a connection you can use ("builtin" for the built-in warehouse).',
    );
  if (typeof sql !== "string") throw new ApiProblem(400, '"sql" must be the SQL text to run.');
  const engine = await engineFor(user, connection);
  const specs = statementParameters(parameters);
  const { run } = await startRun(
    user,
    { sql, connectionId: connection, lane: `api-${randomUUID()}`, pageSize: 0, parameters: specs },
    engine,
  );
  return run;
}

/**
 * The latest result of the saved query, if it is at most `maxAge` seconds old,
 * was run with these parameter values and the query's current SQL, and can be read.
 */
export async function recentResult(
  user: User,
  query: Query,
  parameters: ParameterSpec[],
  maxAgeSeconds: number,
): Promise<RunRecord | null> {
  const { db } = await runtime();
  const [last] = await runsRanBy(db, { latestOfQuery: query.id });
  if (!last) return null;
  const record = await readable(user, last.id).catch(() => null);
  if (record?.status !== "succeeded" || record.removedForSpace || record.resultExpired) return null;
  if (record.sql !== query.sql || record.connectionId !== query.connectionId) return null;
  const ended = record.finishedAt?.getTime() ?? 0;
  if (Date.now() - ended > maxAgeSeconds * 1000) return null;
  const same = (a: ParameterSpec[], b: ParameterSpec[]) =>
    JSON.stringify(a.map((p) => [p.name.toLowerCase(), p.value])) ===
    JSON.stringify(b.map((p) => [p.name.toLowerCase(), p.value]));
  return same(record.parameters ?? [], parameters) ? record : null;
}

/** Waits for the run to end; a client that goes away meanwhile cancels it (it was started for this call). */
export async function awaitRunFor(user: User, runId: string, signal: AbortSignal): Promise<RunView> {
  for (;;) {
    const view = await runEnded(user, runId, 30_000, signal);
    if (view.status !== "running") return view;
    if (signal.aborted) {
      await cancelRun(user, runId).catch(() => {});
      throw new ApiProblem(499, "The client went away; the run was cancelled.");
    }
  }
}
