import "server-only";
import type https from "node:https";
import { type Client, custom, Issuer, type TokenSet } from "openid-client";
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

/** What went wrong talking to the workspace's OAuth server, in words an admin can act on. */
function oauthFailure(error: unknown): Error {
  if (EngineError.is(error)) return error;
  const { error: code, error_description: description } = (error ?? {}) as {
    error?: string;
    error_description?: string;
  };
  if (code === "invalid_client")
    return new EngineError(
      "The workspace refused the OAuth client ID or secret (invalid_client). Check the service principal's client ID and secret.",
    );
  if (code)
    return new EngineError(
      `The workspace's OAuth server refused the token request: ${code}${description ? ` (${description})` : ""}.`,
    );
  // Network failures (refused, unreachable, policy) pass through: the engine's own error handling words them.
  return error instanceof Error ? error : new EngineError(String(error));
}
