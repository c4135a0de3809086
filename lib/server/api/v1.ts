import "server-only";
import { randomUUID } from "node:crypto";
import { notFoundError } from "@/lib/action-result";
import { type ExportOptions, exportFileName, FORMAT_INFO } from "@/lib/exports/formats";
import type { ResultColumn, RunView } from "@/lib/results/types";
import {
  findParameters,
  MAX_VALUE_LENGTH,
  PARAMETER_TYPES,
  type ParameterSpec,
  type ParameterType,
  specsFor,
  valueProblem,
} from "@/lib/sql/parameters";
import { dialectOfConnection } from "../connections/access";
import { engineFor } from "../connections/engines";
import { runsRanBy } from "../db/queries/runs";
import { findUser } from "../db/queries/users";
import type { Query, User } from "../db/schema";
import { readTextBody } from "../http/body";
import { withServerChoices } from "../parameter-choices";
import { queryFor } from "../queries";
import { readable } from "../runs/access";
import type { RunRecord } from "../runs/catalog";
import { storedArrow, storedExport } from "../runs/exports";
import { cancelRun, runEnded, startRun } from "../runs/runs";
import { runtime } from "../runtime";
import { API_FORMATS, type ApiFormat, MAX_JSON_LIMIT, MAX_WAIT_SECONDS } from "./formats";
import { ApiProblem } from "./route";

export { API_FORMATS, type ApiFormat, MAX_JSON_LIMIT, MAX_WAIT_SECONDS };

/** The media type of an Arrow IPC stream. */
const ARROW_STREAM = "application/vnd.apache.arrow.stream";

const MAX_STATEMENT_BODY = 2 * 1024 * 1024;

export interface ApiQuery {
  id: string;
  title: string;
  description: string;
  connectionId: string;
  owner: string;
  parameters: Array<{ name: string; type: ParameterType; default: string | string[]; choices?: string[] }>;
  updatedAt: string;
  sql?: string;
}

export interface ApiRun {
  id: string;
  status: RunView["status"];
  /** Still waiting for a free slot (the member's own or the server's). */
  waiting: boolean;
  queryId: string | null;
  error: RunView["error"];
  message: string | null;
  rows: number;
  truncated: boolean;
  columns: ResultColumn[];
  parameters: Array<{ name: string; value: string | string[] }>;
  startedAt: string;
  elapsedMs: number;
  links: { self: string; results: Record<ApiFormat, string> };
}

/** `results.csv` → "csv"; anything else is a 404, as a path that does not exist. */
export function resultFormat(file: string | undefined): ApiFormat {
  const match = file?.startsWith("results.") ? file.slice("results.".length) : null;
  if (!match || !(API_FORMATS as readonly string[]).includes(match)) throw notFoundError();
  return match as ApiFormat;
}

export function queryJson(
  query: Pick<Query, "id" | "title" | "description" | "connectionId" | "sql" | "parameters" | "updatedAt">,
  owner: string,
  withSql: boolean,
): ApiQuery {
  const names = findParameters(query.sql, dialectOfConnection(query.connectionId));
  const specs = specsFor(names, query.parameters ?? []);
  return {
    id: query.id,
    title: query.title,
    description: query.description,
    connectionId: query.connectionId,
    owner,
    parameters: specs.map((s) => ({
      name: s.name,
      type: s.type,
      default: s.value,
      ...(s.choices && s.type !== "query" ? { choices: s.choices } : {}),
    })),
    updatedAt: query.updatedAt.toISOString(),
    ...(withSql ? { sql: query.sql } : {}),
  };
}

export function runJson(view: RunView, record: Pick<RunRecord, "queryId">, base: string): ApiRun {
  const self = `${base}/api/v1/runs/${view.id}`;
  return {
    id: view.id,
    status: view.status,
    waiting: view.waiting,
    queryId: record.queryId ?? null,
    error: view.error,
    message: view.message,
    rows: view.rowCount,
    truncated: view.truncated,
    columns: view.columns,
    parameters: view.parameters.map((p) => ({ name: p.name, value: p.value })),
    startedAt: view.startedAt,
    elapsedMs: view.elapsedMs,
    links: {
      self,
      results: Object.fromEntries(API_FORMATS.map((f) => [f, `${self}/results.${f}`])) as Record<ApiFormat, string>,
    },
  };
}

/**
 * The saved query's parameters with the values of `?p.<name>=…` (a multi-select
 * repeats its name), checked as the browser's parameter bar checks them: a
 * name the query does not declare, or a value of the wrong type, is refused.
 */
export function parametersFrom(query: Query, given: URLSearchParams | Record<string, unknown>): ParameterSpec[] {
  const names = findParameters(query.sql, dialectOfConnection(query.connectionId));
  const specs = specsFor(names, query.parameters ?? []);
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), value]);
  };
  if (given instanceof URLSearchParams) {
    for (const [key, value] of given) if (key.startsWith("p.")) add(key.slice(2), value);
  } else {
    for (const [key, value] of Object.entries(given)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (typeof one !== "string" && typeof one !== "number")
          throw new ApiProblem(400, `The value of parameter "${key}" must be text or a number.`);
        add(key, String(one));
      }
    }
  }
  for (const name of values.keys()) {
    if (!specs.some((s) => s.name.toLowerCase() === name)) {
      const declared = specs.map((s) => s.name).join(", ") || "none";
      throw new ApiProblem(
        400,
        `This query has no parameter named "${name.slice(0, 64)}". Its parameters: ${declared}.`,
      );
    }
  }
  return specs.map((spec) => {
    const value = values.get(spec.name.toLowerCase());
    if (!value) return spec;
    if (value.some((v) => v.length > MAX_VALUE_LENGTH))
      throw new ApiProblem(400, `The value of "${spec.name}" is longer than ${MAX_VALUE_LENGTH} characters.`);
    const next = { ...spec, value: spec.type === "multi" ? value : value[value.length - 1] };
    const problem = valueProblem(next);
    if (problem) throw new ApiProblem(400, `Parameter "${spec.name}": ${problem}`);
    return next;
  });
}

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

/** `{ "name": "value" }` or `{ "name": { "type": "date", "value": "2024-01-31" } }`; a plain value is text or a number. */
function statementParameters(given: unknown): ParameterSpec[] {
  if (given === undefined || given === null) return [];
  if (typeof given !== "object" || Array.isArray(given))
    throw new ApiProblem(400, '"parameters" must be an object of names and values.');
  return Object.entries(given as Record<string, unknown>).map(([name, raw]) => {
    const typed =
      typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const value = typed ? typed.value : raw;
    const type = typed ? typed.type : typeof raw === "number" ? "number" : "text";
    if (!(PARAMETER_TYPES as readonly unknown[]).includes(type) || type === "query" || type === "choice")
      throw new ApiProblem(
        400,
        `Parameter "${name.slice(0, 64)}": type must be text, number, date, timestamp or multi.`,
      );
    const values = Array.isArray(value) ? value.map(String) : String(value ?? "");
    const spec: ParameterSpec = {
      name,
      type: type as ParameterType,
      value: values,
      // A multi-select sent by a script offers exactly the values it sends (its list binds them as text or numbers).
      ...(type === "multi" ? { choices: Array.isArray(values) ? values : [values] } : {}),
    };
    const problem = valueProblem(spec);
    if (problem) throw new ApiProblem(400, `Parameter "${name.slice(0, 64)}": ${problem}`);
    return spec;
  });
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

/** A run's stored result as a streamed body in `format`, for the API. */
export async function resultBody(
  user: User,
  runId: string,
  format: ApiFormat,
  url: URL,
): Promise<{ body: ReadableStream<Uint8Array>; headers: Record<string, string>; rows: number }> {
  const offset = url.searchParams.get("offset");
  const limit = url.searchParams.get("limit");
  if ((offset !== null || limit !== null) && format !== "json")
    throw new ApiProblem(400, "offset and limit apply to results.json; other formats send the whole result.");
  const record = await readable(user, runId);
  if (record.status === "running")
    throw new ApiProblem(409, "The run has not ended yet. Wait for it with GET /api/v1/runs/{id}?wait=30.");
  if (record.status !== "succeeded")
    throw new ApiProblem(409, `The run ${record.status === "failed" ? "failed" : "was cancelled"}; it has no result.`);
  const name = exportFileName(record.sql, record.startedAt, "csv").slice(0, -".csv".length);
  const headers: Record<string, string> = {
    "Content-Type": format === "arrow" ? ARROW_STREAM : FORMAT_INFO[format].contentType,
    "Content-Disposition": `attachment; filename="${name}.${format === "arrow" ? "arrows" : FORMAT_INFO[format].extension}"`,
    "Cache-Control": "no-store, no-transform",
    "X-Content-Type-Options": "nosniff",
    "Lakebook-Run": record.id,
    "Lakebook-Rows": String(record.rowCount),
    "Lakebook-Truncated": String(record.truncated),
  };
  const range =
    offset !== null || limit !== null
      ? {
          offset: wholeNumber(offset ?? "0", "offset", Number.MAX_SAFE_INTEGER),
          limit: wholeNumber(limit ?? String(MAX_JSON_LIMIT), "limit", MAX_JSON_LIMIT),
        }
      : null;
  if (format === "arrow") {
    if (range)
      throw new ApiProblem(400, "offset and limit apply to results.json; other formats send the whole result.");
    return { body: (await storedArrow(user, record.id)).body, headers, rows: record.rowCount };
  }
  const options: ExportOptions = { format, bom: false, safe: false };
  const { body } = await storedExport(user, record.id, options, null, null, range);
  const rows = range ? Math.max(0, Math.min(range.limit, record.rowCount - range.offset)) : record.rowCount;
  return { body, headers, rows };
}

function wholeNumber(text: string, name: string, max: number): number {
  if (!/^\d{1,16}$/.test(text) || Number(text) > max)
    throw new ApiProblem(400, `${name} must be a whole number from 0 to ${max.toLocaleString("en-US")}.`);
  return Number(text);
}

export function baseUrl(url: URL): string {
  return url.origin;
}
