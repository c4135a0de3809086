import "server-only";
import type { ResultColumn, RunView } from "@/lib/results/types";
import { findParameters, type ParameterType, specsFor } from "@/lib/sql/parameters";
import { dialectOfConnection } from "../connections/access";
import type { Query } from "../db/schema";
import type { RunRecord } from "../runs/catalog";
import { API_FORMATS, type ApiFormat } from "./formats";

/** What the API answers about a saved query and a run: the JSON its routes send. */

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
