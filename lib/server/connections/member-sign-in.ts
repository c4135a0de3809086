import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { DATABRICKS_SIGN_IN_PROBLEM, type DatabricksSignInError } from "@/lib/auth/databricks-sign-in-errors";
import { containsNul } from "@/lib/text-input";
import { STATUS } from "../actions/route-error";
import { failure } from "../actions/safe-action";
import { recordAudit } from "../audit";
import { clientAddress } from "../auth/client-address";
import { secureCookies } from "../auth/secure-cookies";
import { upsertMemberToken } from "../db/queries/member-tokens";
import type { Connection, User } from "../db/schema";
import { databricksError } from "../engines/databricks/errors";
import { memberCallback, memberSignIn } from "../engines/databricks/workspace-oauth";
import type { EngineError } from "../engines/types";
import { publicOrigin } from "../http/origin";
import { runtime } from "../runtime";
import { revealsNetwork, usable } from "./access";
import { forgetEngine } from "./engines";
import { CALLBACK_PATH, openSignIn, sealRefreshToken, sealSignIn, workspaceApp, workspaceUserOf } from "./member-oauth";
import { rememberMemberAccess } from "./member-tokens";

/** How long a started sign-in may take to come back. */
const SIGN_IN_SECONDS = 600;

/** The cookie that carries a started sign-in to the callback (and only there). */
function cookieName(secure: boolean): string {
  return secure ? "__Secure-lakebook-databricks-sign-in" : "lakebook-databricks-sign-in";
}

function cookie(request: Request, value: string, maxAge: number): string {
  const secure = secureCookies(request.headers);
  return [
    `${cookieName(secure)}=${value}`,
    `Path=${CALLBACK_PATH}`,
    `Max-Age=${maxAge}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

function readCookie(request: Request): string | undefined {
  const name = cookieName(secureCookies(request.headers));
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A connection the member may use that lets members sign in with Databricks; anything else is "not found". */
async function memberOAuthConnection(user: User, connectionId: string): Promise<Connection> {
  // Ids are short; one no row could have is not looked up.
  if (connectionId.length > 64 || containsNul(connectionId)) throw notFoundError();
  const row = await usable(user, connectionId);
  if (row.authType !== "oauth-u2m") throw notFoundError();
  return row;
}

/** A failed sign-in: what the member reads (a code of ours), and the error the audit log records. */
class SignInFailed extends Error {
  constructor(
    readonly reason: DatabricksSignInError,
    readonly error: UserError | EngineError,
  ) {
    super(error.message);
  }
}

/** A failure's message and kind for the audit log; an unexpected one is logged (the member's page names only its kind). */
function failureOf(error: unknown) {
  return failure(error instanceof SignInFailed ? error.error : error);
}

/**
 * A step that talks to the workspace's OAuth server: what it refused, or that
 * it could not be reached (in words for this member: network detail for admins only).
 */
async function withWorkspace<T>(user: User, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (UserError.is(error)) throw error;
    const failed = databricksError(error, revealsNetwork(user));
    throw new SignInFailed(failed.details.oauth ?? "unreachable", failed);
  }
}

/**
 * Where a failed sign-in sends the member: a page in the app that says why
 * in our words, and leads back to `next`. Nothing from the request is shown.
 * (A member no longer signed in to Lakebook is sent on to sign in by that page.)
 */
export function signInProblem(error: unknown, next = "/", clearCookie?: string): Response {
  const reason: DatabricksSignInError =
    error instanceof SignInFailed ? error.reason : UserError.isCode(error, "not-found") ? "not-found" : "failed";
  const location = `${DATABRICKS_SIGN_IN_PROBLEM}?${new URLSearchParams({ error: reason, next })}`;
  return new Response(null, {
    status: 302,
    headers: { Location: location, "Cache-Control": "no-store", ...(clearCookie ? { "Set-Cookie": clearCookie } : {}) },
  });
}

/**
 * GET /api/connections/[id]/oauth/start: sends the member to the workspace to
 * sign in (authorization code with PKCE). The state, the verifier, the
 * connection, the member and where to return are sealed into a short-lived
 * cookie only the callback receives.
 */
export async function startMemberSignIn(user: User, connectionId: string, request: Request): Promise<Response> {
  const origin = publicOrigin(request);
  const next = safeCallbackPath(new URL(request.url).searchParams.get("next"), origin);
  try {
    const row = await memberOAuthConnection(user, connectionId);
    const app = await withWorkspace(user, () => workspaceApp(row, `${origin}${CALLBACK_PATH}`));
    const { url, state, codeVerifier } = memberSignIn(app);
    const sealed = await sealSignIn({
      connectionId: row.id,
      userId: user.id,
      state,
      codeVerifier,
      next,
      expires: Date.now() + SIGN_IN_SECONDS * 1000,
    });
    return new Response(null, {
      status: 302,
      headers: { Location: url, "Set-Cookie": cookie(request, sealed, SIGN_IN_SECONDS), "Cache-Control": "no-store" },
    });
  } catch (error) {
    failureOf(error);
    return signInProblem(error, next);
  }
}

/**
 * GET /api/connections/oauth/callback: the workspace sends the member back.
 * The cookie must hold a sign-in this member started; the state and the PKCE
 * verifier are checked by the token exchange; the refresh token is sealed and
 * stored; the member returns to where they started. The cookie goes either way.
 */
export async function finishMemberSignIn(user: User, request: Request): Promise<Response> {
  const clear = cookie(request, "", 0);
  const started = await openSignIn(readCookie(request));
  let connectionId: string | null = started?.connectionId ?? null;
  try {
    if (!started)
      throw new SignInFailed(
        "expired",
        new UserError(
          "This sign-in to Databricks was not started in this browser, or took longer than 10 minutes. Start again from Lakebook.",
        ),
      );
    if (started.userId !== user.id) {
      connectionId = null;
      throw new SignInFailed(
        "other-member",
        new UserError(
          "This sign-in to Databricks was started by another Lakebook member. Start again from Lakebook.",
          "forbidden",
        ),
      );
    }
    const row = await memberOAuthConnection(user, started.connectionId);
    const tokens = await withWorkspace(user, async () =>
      memberCallback(
        await workspaceApp(row, `${publicOrigin(request)}${CALLBACK_PATH}`),
        new URL(request.url).searchParams,
        started,
      ),
    );
    const workspaceUser = workspaceUserOf(tokens.accessToken);
    const since = new Date();
    await upsertMemberToken(
      (await runtime()).db,
      {
        connectionId: row.id,
        userId: user.id,
        sealedRefreshToken: await sealRefreshToken(row.id, user.id, tokens.refreshToken),
        workspaceUser,
      },
      since,
    );
    rememberMemberAccess(row.id, user.id, tokens, since);
    forgetEngine(row.id, user.id);
    audit(user, request, row.id, 200, `signed in as ${workspaceUser}`);
    return new Response(null, {
      status: 302,
      headers: { Location: started.next, "Set-Cookie": clear, "Cache-Control": "no-store" },
    });
  } catch (error) {
    const { error: message, code } = failureOf(error);
    audit(user, request, connectionId, STATUS[code], message);
    return signInProblem(error, started?.userId === user.id ? started.next : "/", clear);
  }
}

function audit(user: User, request: Request, connectionId: string | null, status: number, detail: string): void {
  void recordAudit({
    via: "browser",
    userId: user.id,
    userEmail: user.email,
    action: "connect with databricks",
    objectType: connectionId ? "connection" : null,
    objectId: connectionId,
    status,
    detail,
    clientAddress: clientAddress(request.headers),
  });
}
