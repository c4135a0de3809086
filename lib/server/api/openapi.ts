import { MAX_TOKEN_DAYS } from "@/lib/api-tokens";
import { API_FORMATS, MAX_JSON_LIMIT, MAX_WAIT_SECONDS } from "./formats";

/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json and
 * shown at /api-docs. A test validates it against the OpenAPI schema and
 * calls every operation it lists, so a route and its description cannot drift apart.
 */

const problem = { $ref: "#/components/responses/Problem" };
const errors = {
  "400": problem,
  "401": problem,
  "403": problem,
  "404": problem,
  "429": { $ref: "#/components/responses/TooMany" },
};
const id = (what: string) => ({
  name: "id",
  in: "path",
  required: true,
  description: `The ${what}'s id.`,
  schema: { type: "string" },
});
const file = {
  name: "file",
  in: "path",
  required: true,
  description: `\`results.<format>\`, one of ${API_FORMATS.map((f) => `\`results.${f}\``).join(", ")}.`,
  schema: { type: "string", enum: API_FORMATS.map((f) => `results.${f}`) },
};
const resultContent = {
  "text/csv": { schema: { type: "string" } },
  "text/tab-separated-values": { schema: { type: "string" } },
  "application/json": { schema: { type: "array", items: { type: "object" } } },
  "application/x-ndjson": { schema: { type: "string" } },
  "application/vnd.apache.parquet": { schema: { type: "string", contentEncoding: "binary" } },
  "application/vnd.apache.arrow.stream": { schema: { type: "string", contentEncoding: "binary" } },
};
const resultHeaders = {
  "Lakebook-Run": { description: "The run the rows come from.", schema: { type: "string" } },
  "Lakebook-Rows": { description: "Rows in the whole stored result.", schema: { type: "integer" } },
  "Lakebook-Truncated": {
    description: "true when the stored result was cut at the server's cap or its storage budget.",
    schema: { type: "string", enum: ["true", "false"] },
  },
};
const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Lakebook API",
      version: "1",
      description: `Saved queries, their results and ad-hoc SQL for scripts. Authenticate with a personal API token in the Authorization header (\`Authorization: Bearer lkb_…\`); create one under Account → API tokens (valid up to ${MAX_TOKEN_DAYS} days). A token in the URL is refused. Everything a token's member may not see answers 404, like something that does not exist. Values are exact: BIGINT, DECIMAL(38) and microsecond timestamps are written as the warehouse gives them.`,
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/queries": {
        get: {
          operationId: "listQueries",
          summary: "The saved queries you can view",
          description: "Scope: read results.",
          parameters: [
            { name: "search", in: "query", schema: { type: "string", maxLength: 200 } },
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          ],
          responses: {
            "200": {
              description: "Newest first.",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["queries", "more"],
                    properties: {
                      queries: { type: "array", items: { $ref: "#/components/schemas/Query" } },
                      more: { type: "boolean" },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      "/api/v1/queries/{id}": {
        get: {
          operationId: "getQuery",
          summary: "A saved query with its SQL and parameters",
          description: "Scope: read results.",
          parameters: [id("saved query")],
          responses: { "200": { description: "The query.", content: json("Query") }, ...errors },
        },
      },
      "/api/v1/queries/{id}/{file}": {
        get: {
          operationId: "queryResults",
          summary: "Run a saved query now and download its result",
          description:
            "Runs the saved query (scope: run queries, and Can run on the query) with `p.<name>=<value>` for its parameters, waits for it and streams the whole result. With `max_age`, the latest result is sent instead when it ended at most that many seconds ago with the same parameter values (scope: read results). A client that disconnects cancels the run it started.",
          parameters: [
            id("saved query"),
            file,
            {
              name: "p.{name}",
              in: "query",
              description:
                "A parameter's value, as typed in the editor's parameter bar (a date as YYYY-MM-DD); repeat it for a multi-select.",
              schema: { type: "string" },
            },
            { name: "max_age", in: "query", schema: { type: "integer", minimum: 0 } },
          ],
          responses: {
            "200": { description: "The result.", headers: resultHeaders, content: resultContent },
            "409": problem,
            "422": problem,
            ...errors,
          },
        },
      },
      "/api/v1/queries/{id}/runs": {
        post: {
          operationId: "runQuery",
          summary: "Start a saved query",
          description: "Scope: run queries, and Can run on the query.",
          parameters: [id("saved query")],
          requestBody: {
            required: false,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { parameters: { $ref: "#/components/schemas/ParameterValues" } },
                },
              },
            },
          },
          responses: { "202": { description: "Started.", content: json("Run") }, "422": problem, ...errors },
        },
      },
      "/api/v1/statements": {
        post: {
          operationId: "runStatement",
          summary: "Run SQL on a connection",
          description: "Scope: run SQL, on a connection you can use (`builtin` is the built-in warehouse).",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["connection", "sql"],
                  properties: {
                    connection: { type: "string" },
                    sql: { type: "string" },
                    parameters: {
                      type: "object",
                      additionalProperties: {
                        oneOf: [
                          { type: "string" },
                          { type: "number" },
                          {
                            type: "object",
                            required: ["type", "value"],
                            properties: {
                              type: { enum: ["text", "number", "date", "timestamp", "multi"] },
                              value: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
                            },
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
          },
          responses: { "202": { description: "Started.", content: json("Run") }, "422": problem, ...errors },
        },
      },
      "/api/v1/runs/{id}": {
        get: {
          operationId: "getRun",
          summary: "A run's status",
          description: `Scope: read results. \`wait\` holds the answer until the run ends, at most ${MAX_WAIT_SECONDS} seconds.`,
          parameters: [
            id("run"),
            {
              name: "wait",
              in: "query",
              schema: { type: "integer", minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
            },
          ],
          responses: { "200": { description: "The run.", content: json("Run") }, ...errors },
        },
        delete: {
          operationId: "cancelRun",
          summary: "Cancel a run",
          description: "Your own run (scope: run queries or run SQL); an admin may cancel anyone's.",
          parameters: [id("run")],
          responses: { "202": { description: "Cancelled, or already ended.", content: json("Run") }, ...errors },
        },
      },
      "/api/v1/runs/{id}/{file}": {
        get: {
          operationId: "runResults",
          summary: "A run's result",
          description: `Scope: read results. \`results.json\` takes \`offset\` and \`limit\` (at most ${MAX_JSON_LIMIT.toLocaleString("en-US")} rows).`,
          parameters: [
            id("run"),
            file,
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: MAX_JSON_LIMIT } },
          ],
          responses: {
            "200": { description: "The result.", headers: resultHeaders, content: resultContent },
            "409": problem,
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal API token, `lkb_` and 43 characters." },
      },
      responses: {
        Problem: {
          description: "What went wrong, in plain words.",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
        TooMany: {
          description: "Too many calls with this token; try again after Retry-After seconds.",
          headers: { "Retry-After": { schema: { type: "integer" } } },
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
          },
        },
        ParameterValues: {
          type: "object",
          description: "Values by parameter name; an array for a multi-select.",
          additionalProperties: {
            oneOf: [{ type: "string" }, { type: "number" }, { type: "array", items: { type: "string" } }],
          },
        },
        Query: {
          type: "object",
          required: ["id", "title", "description", "connectionId", "owner", "parameters", "updatedAt"],
          properties: {
            id: { type: "string" },
            title: { type: "string" },
            description: { type: "string" },
            connectionId: { type: "string" },
            owner: { type: "string" },
            sql: { type: "string", description: "Only when one query is read." },
            updatedAt: { type: "string", format: "date-time" },
            parameters: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "type", "default"],
                properties: {
                  name: { type: "string" },
                  type: { enum: ["text", "number", "date", "timestamp", "choice", "multi", "query"] },
                  default: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
                  choices: { type: "array", items: { type: "string" } },
                },
              },
            },
          },
        },
        Run: {
          type: "object",
          required: ["id", "status", "waiting", "rows", "truncated", "columns", "links"],
          properties: {
            id: { type: "string" },
            status: { enum: ["running", "succeeded", "failed", "cancelled"] },
            waiting: { type: "boolean", description: "Waiting for a free slot." },
            queryId: { type: ["string", "null"] },
            error: {
              oneOf: [
                { type: "null" },
                {
                  type: "object",
                  required: ["message"],
                  properties: { message: { type: "string" }, line: { type: "integer" }, column: { type: "integer" } },
                },
              ],
            },
            message: { type: ["string", "null"] },
            rows: { type: "integer" },
            truncated: { type: "boolean" },
            columns: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "type"],
                properties: { name: { type: "string" }, type: { type: "string" } },
              },
            },
            parameters: { type: "array", items: { type: "object" } },
            startedAt: { type: "string", format: "date-time" },
            elapsedMs: { type: "integer" },
            links: {
              type: "object",
              properties: {
                self: { type: "string", format: "uri" },
                results: { type: "object", additionalProperties: { type: "string", format: "uri" } },
              },
            },
          },
        },
      },
    },
  };
}
