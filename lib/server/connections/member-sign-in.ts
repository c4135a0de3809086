import "server-only";
import { notFoundError, UserError } from "@/lib/action-result";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { escapeHtml } from "@/lib/notebooks/formats/ipynb-outputs";
import { containsNul } from "@/lib/text-input";
import { routeError, STATUS } from "../actions/route-error";
import { failure } from "../actions/safe-action";
import { recordAudit } from "../audit";
import { clientAddress } from "../auth/client-address";
import { secureCookies } from "../auth/secure-cookies";
import { upsertMemberToken } from "../db/queries/member-tokens";
import type { Connection, User } from "../db/schema";
import { databricksError } from "../engines/databricks/errors";
import { memberCallback, memberSignIn } from "../engines/databricks/workspace-oauth";
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

/** A step that talks to the workspace's OAuth server: its failures in words for this member (network detail for admins only). */
async function withWorkspace<T>(user: User, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw UserError.is(error) ? error : databricksError(error, revealsNetwork(user));
  }
}

/**
 * GET /api/connections/[id]/oauth/start: sends the member to the workspace to
 * sign in (authorization code with PKCE). The state, the verifier, the
 * connection, the member and where to return are sealed into a short-lived
 * cookie only the callback receives.
 */
export async function startMemberSignIn(user: User, connectionId: string, request: Request): Promise<Response> {
  try {
    const row = await memberOAuthConnection(user, connectionId);
    const origin = publicOrigin(request);
    const app = await withWorkspace(user, () => workspaceApp(row, `${origin}${CALLBACK_PATH}`));
    const { url, state, codeVerifier } = memberSignIn(app);
    const next = safeCallbackPath(new URL(request.url).searchParams.get("next"), origin);
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
    return routeError(error);
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
      throw new UserError(
        "This sign-in to Databricks was not started in this browser, or took longer than 10 minutes. Start again from Lakebook.",
      );
    if (started.userId !== user.id) {
      connectionId = null;
      throw new UserError(
        "This sign-in to Databricks was started by another Lakebook member. Start again from Lakebook.",
        "forbidden",
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
    const { error: message, code } = failure(error);
    audit(user, request, connectionId, STATUS[code], message);
    return failedPage(message, STATUS[code], started?.userId === user.id ? started.next : "/", clear);
  }
}

/**
 * The browser came back from the workspace, so the member reads this page: the
 * message and a way back. Plain HTML with nothing to load or run.
 */
function failedPage(message: string, status: number, back: string, clearCookie: string): Response {
  const html = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Connect with Databricks</title>
<h1>Lakebook could not connect you with Databricks</h1>
<p role="alert">${escapeHtml(message)}</p>
<p><a href="${escapeHtml(back)}">Back to Lakebook</a></p>
</html>
`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "X-Content-Type-Options": "nosniff",
      "Set-Cookie": clearCookie,
      "Cache-Control": "no-store",
    },
  });
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
