import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A workspace's OAuth for its users (user-to-machine), as Databricks serves it
 * to a registered OAuth app: the authorization-code flow with PKCE (S256) at
 * `/oidc/v1/authorize`, then `/oidc/v1/token` with
 * `grant_type=authorization_code` and later `refresh_token`. The app here is
 * public (no secret; PKCE proves the caller), as Databricks' published apps are.
 *
 * The sign-in page is plain HTML (no script, no external resources): a test
 * types the workspace user's e-mail and signs in. Access tokens are
 * JWT-shaped with `sub` the user, so the warehouse can record whose identity
 * ran each statement. Refresh tokens rotate: each refresh returns a new one
 * and the old one stops working, as a careful workspace configures it.
 */
export class MemberOAuth {
  private readonly codes = new Map<
    string,
    { user: string; redirectUri: string; challenge: string; clientId: string; expires: number }
  >();
  private readonly refreshTokens = new Map<string, string>();
  readonly accessTokens = new Map<string, { user: string; exp: number }>();
  /** Lifetime of the access tokens it issues. */
  tokenSeconds = 3600;
  /** Grants by kind, for tests: how often a token was refreshed. */
  readonly grants: { kind: "authorization_code" | "refresh_token"; user: string }[] = [];

  constructor(readonly clientId: string) {}

  /** The user an access token was issued to, while it is valid. */
  userOf(token: string): string | null {
    const found = this.accessTokens.get(token);
    return found && found.exp > Date.now() / 1000 ? found.user : null;
  }

  /** Ends every refresh token and access token of `user` (an admin revoked the app's access). */
  revoke(user: string): void {
    for (const [token, owner] of this.refreshTokens) if (owner === user) this.refreshTokens.delete(token);
    for (const [token, issued] of this.accessTokens) if (issued.user === user) this.accessTokens.delete(token);
  }

  /** GET shows the sign-in page; POST signs in and sends the browser back with a code. Always answers. */
  authorize(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): true {
    const params = req.method === "POST" ? new URLSearchParams(body.toString("utf8")) : url.searchParams;
    const clientId = params.get("client_id") ?? "";
    const redirectUri = params.get("redirect_uri") ?? "";
    const state = params.get("state") ?? "";
    const challenge = params.get("code_challenge") ?? "";
    if (clientId !== this.clientId) return page(res, 400, "<p role=alert>Unknown OAuth app (client_id).</p>");
    if (!isLoopbackRedirect(redirectUri))
      return page(res, 400, "<p role=alert>The redirect URL is not registered.</p>");
    const back = (query: Record<string, string>): true => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...query, state })) target.searchParams.set(k, v);
      res.writeHead(302, { Location: target.toString() });
      res.end();
      return true;
    };
    if (params.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
    if (params.get("code_challenge_method") !== "S256" || challenge.length < 43)
      return back({ error: "invalid_request", error_description: "PKCE with S256 is required" });
    if (req.method !== "POST") return page(res, 200, signInForm(params));
    if (params.get("decision") === "deny") return back({ error: "access_denied" });
    const user = (params.get("user") ?? "").trim();
    if (!user) return page(res, 200, `<p role=alert>Enter your e-mail.</p>${signInForm(params)}`);
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, { user, redirectUri, challenge, clientId, expires: Date.now() + 60_000 });
    return back({ code });
  }

  /** Token requests with `authorization_code` or `refresh_token`; false for other grants. */
  token(form: URLSearchParams, res: ServerResponse): boolean {
    const grant = form.get("grant_type");
    if (grant !== "authorization_code" && grant !== "refresh_token") return false;
    if (form.get("client_id") !== this.clientId) {
      sendError(res, 401, "invalid_client", "Unknown client");
      return true;
    }
    let user: string;
    if (grant === "authorization_code") {
      const code = this.codes.get(form.get("code") ?? "");
      this.codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (
        !code ||
        code.expires < Date.now() ||
        code.redirectUri !== form.get("redirect_uri") ||
        code.challenge !== challenge
      ) {
        sendError(res, 400, "invalid_grant", "The code is not valid");
        return true;
      }
      user = code.user;
    } else {
      const given = form.get("refresh_token") ?? "";
      const owner = this.refreshTokens.get(given);
      if (!owner) {
        sendError(res, 400, "invalid_grant", "The refresh token is not valid");
        return true;
      }
      this.refreshTokens.delete(given);
      user = owner;
    }
    this.grants.push({ kind: grant, user });
    const exp = Math.floor(Date.now() / 1000) + this.tokenSeconds;
    const accessToken = [
      b64url({ alg: "none", typ: "JWT" }),
      b64url({ sub: user, scope: "all-apis offline_access", exp, jti: randomBytes(8).toString("hex") }),
      randomBytes(16).toString("base64url"),
    ].join(".");
    const refreshToken = randomBytes(32).toString("base64url");
    this.accessTokens.set(accessToken, { user, exp });
    this.refreshTokens.set(refreshToken, user);
    const text = JSON.stringify({
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: this.tokenSeconds,
      scope: "all-apis offline_access",
    });
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
    return true;
  }
}

/** A test workspace registers any loopback URL as the app's redirect URL. */
function isLoopbackRedirect(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && ["127.0.0.1", "localhost"].includes(url.hostname);
  } catch {
    return false;
  }
}

const html = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function signInForm(params: URLSearchParams): string {
  const hidden = [...params]
    .filter(([k]) => !["user", "decision"].includes(k))
    .map(([k, v]) => `<input type="hidden" name="${html(k)}" value="${html(v)}">`)
    .join("");
  return `<h1>Sign in to the test workspace</h1>
<form method="post" action="/oidc/v1/authorize">${hidden}
<p><label>E-mail <input name="user" type="text" autofocus></label></p>
<button type="submit" name="decision" value="allow">Sign in and allow Lakebook</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`;
}

function page(res: ServerResponse, status: number, body: string): true {
  const text = `<!doctype html><html lang="en"><head><title>Test workspace</title></head><body>${body}</body></html>`;
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
  return true;
}

function sendError(res: ServerResponse, status: number, error: string, description: string): void {
  const text = JSON.stringify({ error, error_description: description });
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
