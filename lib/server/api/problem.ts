import "server-only";
import { STATUS_CODES } from "node:http";

/**
 * An API error as `application/problem+json` (RFC 9457): `type` is
 * about:blank, so `title` is the status's own phrase and `detail` says, in
 * plain words, what went wrong and what to do.
 */
export function problem(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail }), {
    status,
    headers: {
      "Content-Type": "application/problem+json",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

/** A JSON answer of the API. */
export function apiJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
