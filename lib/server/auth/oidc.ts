import "server-only";
import type { User as AuthUser } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { config } from "../config";
import { log } from "../log";
import { runtime } from "../runtime";
import { decideSsoSignIn, identityFromClaims } from "./sso";
import { takeLink } from "./sso-link";

/** next-auth's id of the single sign-on provider (its callback is /api/auth/callback/oidc). */
export const OIDC_PROVIDER_ID = "oidc";

/** Where Account › Single sign-on lives; a link attempt comes back there. */
export const SSO_ACCOUNT_PATH = "/account/single-sign-on";

/** The configured issuer without a trailing slash: the issuer half of every identity's key. */
export function configuredIssuer(): string {
  return (config().LAKEBOOK_OIDC_ISSUER ?? "").replace(/\/+$/, "");
}

type Claims = Record<string, unknown>;

/**
 * The claims of a sign-in: the verified ID token's, completed with userinfo
 * (many issuers put only `sub` in the ID token). `sub` is always the ID
 * token's — userinfo naming another subject is refused — and the email and
 * its `email_verified` come together from one source, never mixed.
 */
export function mergeClaims(idToken: Claims, userinfo: Claims): Claims {
  if (userinfo.sub !== undefined && userinfo.sub !== idToken.sub) {
    throw new Error("The issuer's userinfo names another subject than its ID token.");
  }
  const emailSource = userinfo.email !== undefined ? userinfo : idToken;
  return {
    ...idToken,
    ...userinfo,
    sub: idToken.sub,
    email: emailSource.email,
    email_verified: emailSource.email_verified,
  };
}

/** The OpenID Connect provider for next-auth, from LAKEBOOK_OIDC_*. */
export function oidcProvider(): OAuthConfig<Claims> {
  const c = config();
  return {
    id: OIDC_PROVIDER_ID,
    name: c.LAKEBOOK_OIDC_NAME,
    type: "oauth",
    wellKnown: `${configuredIssuer()}/.well-known/openid-configuration`,
    clientId: c.LAKEBOOK_OIDC_CLIENT_ID,
    clientSecret: c.LAKEBOOK_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    userinfo: {
      async request({ client, tokens }) {
        const info = tokens.access_token ? await client.userinfo(tokens.access_token) : {};
        return mergeClaims((tokens as { claims(): Claims }).claims(), info);
      },
    },
    checks: ["pkce", "state"],
    profile(profile) {
      const name = profile.name ?? profile.preferred_username;
      return {
        id: String(profile.sub ?? ""),
        email: typeof profile.email === "string" ? profile.email : null,
        name: typeof name === "string" ? name : null,
      };
    },
  };
}

/**
 * next-auth's `signIn` callback for single sign-on: decides which account the
 * identity is (lib/server/auth/sso.ts) and makes next-auth's `user` that
 * account — next-auth hands this same object to the `jwt` callback, so the
 * session is the bound account's whatever the email claim said. A refusal
 * sends the browser to a page that explains it.
 */
export async function ssoSignIn(user: AuthUser, claims: Claims | undefined): Promise<true | string> {
  const link = await takeLink();
  const back = link ? SSO_ACCOUNT_PATH : "/signin";
  if (link === "invalid") return `${SSO_ACCOUNT_PATH}?error=SsoLinkExpired`;
  const identity = identityFromClaims(claims ?? {}, configuredIssuer());
  const decision = await decideSsoSignIn(
    (await runtime()).db,
    identity,
    { allowedDomains: config().LAKEBOOK_OIDC_ALLOWED_DOMAINS },
    { linkUserId: link?.userId },
  );
  if (!decision.ok) {
    log.info(`single sign-on refused (${decision.code})`);
    return `${back}?error=${decision.code}`;
  }
  if (decision.outcome !== "bound") log.info(`single sign-on: ${decision.outcome} (user ${decision.user.id})`);
  user.id = decision.user.id;
  user.email = decision.user.email;
  user.name = decision.user.name;
  return true;
}
