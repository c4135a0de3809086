import "server-only";
import { UserError } from "@/lib/action-result";
import type { TokenScope } from "@/lib/api-tokens";
import { STATUS } from "../actions/route-error";
import { failure } from "../actions/safe-action";
import { auditedBody, recordAudit } from "../audit";
import { checkToken, isTokenShaped } from "../auth/api-tokens";
import { clientAddress } from "../auth/client-address";
import { config } from "../config";
import type { ApiToken, User } from "../db/schema";
import { BodyTooLarge } from "../http/body";
import { runtime } from "../runtime";
import { problem } from "./problem";
import { takeApiCall } from "./rate-limit";

/** What a handler knows and may add to the call's audit record. */
export interface ApiCall {
  request: Request;
  url: URL;
  params: Record<string, string>;
  user: User;
  token: ApiToken;
  /** The object the call is about, and how many rows it sent (for the audit log). */
  audit: { objectType?: string; objectId?: string; rows?: number | null; detail?: string };
}

type Handler = (call: ApiCall) => Promise<Response>;
type Context = { params: Promise<Record<string, string>> };

const BEARER = /^Bearer ([^\s]+)$/;
const SCOPE_NEEDED: Record<TokenScope, string> = {
  read: "read results",
  run: "run queries",
  sql: "run SQL",
};
const TOKEN_IN_URL =
  "A token was sent in the URL. Lakebook accepts tokens only in the Authorization header (Authorization: Bearer lkb_…): a URL is written to logs and browser history, so this token may have leaked. Revoke it under Account → API tokens and create a new one.";
const NO_TOKEN =
  "This API needs a personal API token in the Authorization header: Authorization: Bearer lkb_…. Create one under Account → API tokens.";
const REFUSED: Record<"unknown" | "revoked" | "expired" | "disabled", string> = {
  unknown: "The token is not valid. Check that it was copied whole, or create a new one under Account → API tokens.",
  revoked: "The token was revoked. Create a new one under Account → API tokens.",
  expired: "The token has expired. Create a new one under Account → API tokens.",
  disabled: "The token's account is disabled. Ask an admin.",
};
const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="Lakebook"' };

/**
 * One route of the API under /api/v1: the bearer token is checked against the
 * store on every call, then its scope and its rate limit; the handler acts as
 * the token's member, through the same permission checks as the browser's
 * actions. Failures are problem+json with the status of their kind, and every
 * call, answered or refused, is recorded in the audit log (with the bytes
 * sent, once the body has been sent or the client has gone).
 */
export function apiRoute(action: string, scope: TokenScope | null, handler: Handler) {
  return async (request: Request, context: Context): Promise<Response> => {
    const url = new URL(request.url);
    const params = await context.params;
    const base = { via: "api" as const, action, clientAddress: clientAddress(request.headers) };
    const refuse = (
      status: number,
      detail: string,
      who: { user?: User; token?: ApiToken | null } = {},
      headers = {},
    ) => {
      void recordAudit({
        ...base,
        userId: who.user?.id ?? who.token?.userId ?? null,
        userEmail: who.user?.email ?? null,
        tokenId: who.token?.id ?? null,
        status,
        detail,
      });
      return problem(status, detail, headers);
    };

    const leaked = tokenInUrl(url);
    if (leaked !== null) {
      // Still say whose it was in the audit log, so an admin can tell the member.
      const check = await checkToken(leaked);
      return refuse(400, TOKEN_IN_URL, check.ok ? check : { token: check.token });
    }
    const header = request.headers.get("authorization");
    const bearer = header ? BEARER.exec(header.trim())?.[1] : undefined;
    if (!bearer) return refuse(401, NO_TOKEN, {}, CHALLENGE);
    const check = await checkToken(bearer);
    if (!check.ok) return refuse(401, REFUSED[check.reason], { token: check.token }, CHALLENGE);
    const { user, token } = check;
    if (scope && !token.scopes.includes(scope))
      return refuse(403, `This token may not ${SCOPE_NEEDED[scope]}: create a token with that scope.`, check);
    const wait = await takeApiCall((await runtime()).db, token.id);
    if (wait !== null)
      return refuse(
        429,
        `Too many calls with this token: at most ${config().LAKEBOOK_API_REQUESTS_PER_MINUTE} a minute. Try again in ${wait} s.`,
        check,
        { "Retry-After": String(wait) },
      );

    const call: ApiCall = { request, url, params, user, token, audit: {} };
    let response: Response;
    try {
      response = await handler(call);
    } catch (error) {
      const answered = failure(error);
      const status =
        error instanceof ApiProblem || error instanceof BodyTooLarge ? error.status : STATUS[answered.code];
      return refuse(status, answered.error, check);
    }
    const record = (sent: { bytes: number; complete: boolean }) =>
      void recordAudit({
        ...base,
        userId: user.id,
        userEmail: user.email,
        tokenId: token.id,
        status: response.status,
        objectType: call.audit.objectType ?? null,
        objectId: call.audit.objectId ?? null,
        rows: call.audit.rows ?? null,
        bytes: sent.bytes,
        detail: sent.complete ? (call.audit.detail ?? null) : "the client went away before the whole body was sent",
      });
    if (!response.body) {
      record({ bytes: 0, complete: true });
      return response;
    }
    return new Response(auditedBody(response.body, record), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** A refusal with an HTTP status of its own (400 for a malformed request, where UserError's kinds say 422). */
export class ApiProblem extends UserError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message, status === 404 ? "not-found" : status === 403 ? "forbidden" : "invalid");
  }
}

/**
 * A token in the query string, under any name or as a name (`?token=lkb_…`,
 * `?lkb_…`, `?auth=Bearer lkb_…`): the token when there is one, null when
 * there is none. Only the token's exact shape counts, so `?p.team=lkb_sales` is a value.
 */
function tokenInUrl(url: URL): string | null {
  for (const [name, value] of url.searchParams) {
    for (const text of [name, value]) {
      const candidate = text.trim().replace(/^bearer\s+/i, "");
      if (isTokenShaped(candidate)) return candidate;
    }
  }
  return null;
}
