import "server-only";
import type https from "node:https";
import { type Client, custom, errors, generators, Issuer, type TokenSet } from "openid-client";
import { EngineError } from "../types";

/**
 * A token is renewed this long before it expires: the driver asks for a new
 * one 5 minutes before (CachedTokenProvider), so Lakebook renews at the same point.
 */
const RENEW_BEFORE_MS = 5 * 60_000;
/** How long one request to the workspace's OAuth server may take. */
const TIMEOUT_MS = 15_000;

/**
 * The workspace's own OAuth server (`https://<workspace>/oidc`), which issues
 * the access tokens a warehouse takes: openid-client, with every request made
 * through `agent` (the engine's guarded agent, so the warehouse policy holds
 * for token requests as for statements).
 */
export async function workspaceOAuth(host: string, port: number, agent: https.Agent): Promise<Issuer<Client>> {
  const options = () => ({ agent, timeout: TIMEOUT_MS });
  // Discovery is a static call: a subclass carries this workspace's HTTP options without touching other issuers.
  class WorkspaceIssuer extends Issuer<Client> {
    static [custom.http_options] = options;
  }
  const origin = port === 443 ? `https://${host}` : `https://${host}:${port}`;
  const issuer = await WorkspaceIssuer.discover(`${origin}/oidc/.well-known/oauth-authorization-server`);
  issuer[custom.http_options] = options;
  return issuer;
}

/**
 * Access tokens of a service principal (OAuth machine-to-machine: the
 * client-credentials grant, scope `all-apis`), kept until shortly before they
 * expire. Concurrent callers share one request.
 */
export class ClientCredentials {
  private current: { token: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly issuer: () => Promise<Issuer<Client>>,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly agent: https.Agent,
  ) {}

  token(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    let tokens: TokenSet;
    try {
      const issuer = await this.issuer();
      const client = new issuer.Client({
        client_id: this.clientId,
        client_secret: this.clientSecret,
        token_endpoint_auth_method: "client_secret_basic",
      });
      client[custom.http_options] = () => ({ agent: this.agent, timeout: TIMEOUT_MS });
      tokens = await client.grant({ grant_type: "client_credentials", scope: "all-apis" });
    } catch (error) {
      throw oauthFailure(error);
    }
    if (!tokens.access_token) throw new EngineError("The workspace's OAuth server answered without an access token.");
    const expiresAt = (tokens.expires_at ?? Date.now() / 1000 + 3600) * 1000;
    this.current = { token: tokens.access_token, renewAt: Math.max(Date.now(), expiresAt - RENEW_BEFORE_MS) };
    return tokens.access_token;
  }
}

/** A workspace OAuth app Lakebook is registered as, for members' own sign-in (user-to-machine). */
export interface WorkspaceApp {
  issuer: Issuer<Client>;
  clientId: string;
  /** Absent for a public app (PKCE alone proves the caller). */
  clientSecret?: string;
  /** Lakebook's callback URL, registered with the app. */
  redirectUri: string;
  agent: https.Agent;
}

/** The scopes a member grants: the workspace's APIs (SQL included) and a refresh token. */
const MEMBER_SCOPES = "all-apis offline_access";

function appClient(app: WorkspaceApp): Client {
  const client = new app.issuer.Client({
    client_id: app.clientId,
    ...(app.clientSecret
      ? { client_secret: app.clientSecret, token_endpoint_auth_method: "client_secret_basic" as const }
      : { token_endpoint_auth_method: "none" as const }),
    redirect_uris: [app.redirectUri],
    response_types: ["code"],
  });
  client[custom.http_options] = () => ({ agent: app.agent, timeout: TIMEOUT_MS });
  return client;
}

/**
 * Where to send a member's browser to sign in to the workspace: the
 * authorization-code flow with PKCE (S256) and a state, both kept by the
 * caller until the callback.
 */
export function memberSignIn(app: WorkspaceApp): { url: string; state: string; codeVerifier: string } {
  const state = generators.state();
  const codeVerifier = generators.codeVerifier();
  const url = appClient(app).authorizationUrl({
    scope: MEMBER_SCOPES,
    redirect_uri: app.redirectUri,
    state,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { url, state, codeVerifier };
}

/** A member's tokens: an access token for statements and the refresh token that renews it. */
export interface MemberTokens {
  accessToken: string;
  refreshToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

function memberTokens(tokens: TokenSet, previousRefresh?: string): MemberTokens {
  const refreshToken = tokens.refresh_token ?? previousRefresh;
  if (!tokens.access_token || !refreshToken)
    throw new EngineError(
      "The workspace did not give Lakebook a refresh token: the OAuth app needs the offline_access scope.",
      { oauth: "offline-access" },
    );
  return {
    accessToken: tokens.access_token,
    refreshToken,
    expiresAt: (tokens.expires_at ?? Date.now() / 1000 + 3600) * 1000,
  };
}

/**
 * The callback of a member's sign-in: checks the state and exchanges the code
 * (with the PKCE verifier) for tokens.
 */
export async function memberCallback(
  app: WorkspaceApp,
  query: URLSearchParams,
  expected: { state: string; codeVerifier: string },
): Promise<MemberTokens> {
  try {
    const client = appClient(app);
    const params = client.callbackParams(`${app.redirectUri}?${query}`);
    const tokens = await client.oauthCallback(app.redirectUri, params, {
      state: expected.state,
      code_verifier: expected.codeVerifier,
    });
    return memberTokens(tokens);
  } catch (error) {
    throw oauthFailure(error);
  }
}

/** New tokens for a member from their refresh token; a refused one means they must sign in again. */
export async function refreshMember(app: WorkspaceApp, refreshToken: string): Promise<MemberTokens> {
  try {
    return memberTokens(await appClient(app).refresh(refreshToken), refreshToken);
  } catch (error) {
    const code = (error as { error?: string })?.error;
    if (code === "invalid_grant")
      throw new EngineError(
        "Your Databricks sign-in for this connection has expired or was revoked. Connect with Databricks again.",
        { signInRefused: true },
      );
    throw oauthFailure(error);
  }
}

/** What went wrong talking to the workspace's OAuth server, in words an admin can act on. */
function oauthFailure(error: unknown): Error {
  if (EngineError.is(error)) return error;
  const { error: code, error_description: description } = (error ?? {}) as {
    error?: string;
    error_description?: string;
  };
  if (code === "invalid_client" || code === "unauthorized_client")
    return new EngineError(
      `The workspace refused the OAuth client ID or secret (${code}). Check the service principal's client ID and secret.`,
      { oauth: "client" },
    );
  if (code === "access_denied")
    return new EngineError("The sign-in to Databricks was cancelled or denied.", { oauth: "denied" });
  if (code)
    return new EngineError(
      `The workspace's OAuth server refused the token request: ${code}${description ? ` (${description})` : ""}.`,
      { oauth: "refused" },
    );
  // openid-client's own checks of an answer (its message may quote the expected state: not repeated).
  if (error instanceof errors.RPError)
    return /state mismatch/.test(error.message)
      ? new EngineError(
          "The sign-in to Databricks could not be completed: its answer does not belong to the sign-in this browser started (state mismatch). Start again from Lakebook.",
          { oauth: "state" },
        )
      : new EngineError("The sign-in to Databricks could not be completed: the workspace's answer was not valid.", {
          oauth: "refused",
        });
  // Network failures (refused, unreachable, policy) pass through: the engine's own error handling words them.
  return error instanceof Error ? error : new EngineError(String(error));
}
