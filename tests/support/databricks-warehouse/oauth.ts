import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MemberOAuth } from "./oauth-members";

/**
 * The two OAuth endpoints the driver's machine-to-machine flow uses
 * (connection/auth/DatabricksOAuth/OAuthManager.js, via openid-client 5):
 * - GET  /oidc/.well-known/oauth-authorization-server  (discovery; the URL never carries a port)
 * - POST <token_endpoint>  grant_type=client_credentials&scope=all-apis,
 *   client authenticated with HTTP Basic (client_secret_basic).
 * The driver reads the access token's expiry from its JWT payload (`exp`), so
 * issued tokens are JWT-shaped; they are not signed because only this server checks them.
 */
export class OAuthServer {
  private readonly issued = new Map<string, number>();
  /** Lifetime of the access tokens it issues (a test shortens it to see tokens renewed). */
  tokenSeconds = 3600;
  /** Access tokens issued so far. */
  issuedCount = 0;

  /** Users' own sign-in (user-to-machine) for a registered OAuth app: oauth-members.ts. */
  readonly members: MemberOAuth;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    memberClientId: string,
  ) {
    this.members = new MemberOAuth(memberClientId);
  }

  /**
   * Whose identity a bearer token this server issued carries, while it has not
   * expired: the service principal (its client id) or a user; null otherwise.
   */
  identity(token: string): string | null {
    const expires = this.issued.get(token);
    if (expires !== undefined && expires > Date.now() / 1000) return this.clientId;
    return this.members.userOf(token);
  }

  /** Serves the request if it is an OAuth endpoint; false when it is not one. */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string, body: Buffer): Promise<boolean> {
    if (req.method === "GET" && pathname === "/oidc/.well-known/oauth-authorization-server") {
      sendJson(res, 200, this.discovery(req.headers.host ?? "localhost"));
      return true;
    }
    if (pathname === "/oidc/v1/authorize" && (req.method === "GET" || req.method === "POST")) {
      this.members.authorize(req, res, new URL(req.url ?? "/", "https://localhost"), body);
      return true;
    }
    if (req.method === "POST" && pathname === "/oidc/v1/token") {
      if (!this.members.token(new URLSearchParams(body.toString("utf8")), res)) this.token(req, res, body);
      return true;
    }
    return false;
  }

  private discovery(host: string) {
    const base = `https://${host}/oidc`;
    return {
      issuer: base,
      authorization_endpoint: `${base}/v1/authorize`,
      token_endpoint: `${base}/v1/token`,
      jwks_uri: `${base}/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["client_credentials", "authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      scopes_supported: ["all-apis", "sql", "offline_access"],
      code_challenge_methods_supported: ["S256"],
    };
  }

  private token(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const form = new URLSearchParams(body.toString("utf8"));
    const [id, secret] = basicCredentials(req.headers.authorization) ?? [
      form.get("client_id"),
      form.get("client_secret"),
    ];
    if (id !== this.clientId || !sameSecret(secret ?? "", this.clientSecret)) {
      // What Databricks answers for a wrong client id or secret; openid-client raises it as OPError.
      sendJson(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
      return;
    }
    if (form.get("grant_type") !== "client_credentials") {
      sendJson(res, 400, { error: "unsupported_grant_type", error_description: "Only client_credentials" });
      return;
    }
    const expiresIn = this.tokenSeconds;
    this.issuedCount += 1;
    const exp = Math.floor(Date.now() / 1000) + expiresIn;
    const accessToken = [
      b64url({ alg: "none", typ: "JWT" }),
      b64url({ sub: id, scope: form.get("scope") ?? "all-apis", exp, jti: randomBytes(8).toString("hex") }),
      randomBytes(16).toString("base64url"),
    ].join(".");
    this.issued.set(accessToken, exp);
    sendJson(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, scope: "all-apis" });
  }
}

function basicCredentials(header: string | undefined): [string, string] | null {
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // client_secret_basic form-encodes both parts before joining them (RFC 6749 §2.3.1).
  const part = (s: string) => decodeURIComponent(s.replaceAll("+", " "));
  return [part(decoded.slice(0, colon)), part(decoded.slice(colon + 1))];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
