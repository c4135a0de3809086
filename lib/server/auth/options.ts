import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { config, dataDir } from "../config";
import { deriveKey, loadSecretKey } from "../crypto/secret-key";
import { findUser } from "../db/queries/users";
import { log } from "../log";
import { runtime } from "../runtime";
import { clientAddress } from "./client-address";
import { checkCredentials, SignInRefused } from "./credentials";
import { OIDC_PROVIDER_ID, oidcProvider, ssoSignIn } from "./oidc";
import { endSession, sessionIdOf, sessionUser, startSession } from "./sessions";

export { OIDC_PROVIDER_ID } from "./oidc";

/** The session cookie's signing secret: NEXTAUTH_SECRET, else derived from the server's master key. */
function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const master = loadSecretKey(dataDir(), config().LAKEBOOK_SECRET_KEY);
  return deriveKey(master, "nextauth").toString("base64");
}

export function oidcConfigured(): boolean {
  const c = config();
  return Boolean(c.LAKEBOOK_OIDC_ISSUER && c.LAKEBOOK_OIDC_CLIENT_ID && c.LAKEBOOK_OIDC_CLIENT_SECRET);
}

const cached = new Map<boolean, NextAuthOptions>();

/**
 * next-auth's options; `secureCookies` (secure-cookies.ts) decides whether
 * the cookies are Secure and `__Secure-`-named, per request.
 */
export function authOptions(secureCookies = false): NextAuthOptions {
  let options = cached.get(secureCookies);
  if (!options) {
    options = build(secureCookies);
    cached.set(secureCookies, options);
  }
  return options;
}

function build(secureCookies: boolean): NextAuthOptions {
  const c = config();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const { db } = await runtime();
        try {
          const user = await checkCredentials(db, {
            email: credentials?.email,
            password: credentials?.password,
            address: clientAddress(request?.headers ?? {}),
          });
          return user && { id: user.id, email: user.email, name: user.name };
        } catch (error) {
          // The message becomes the sign-in page's `?error=` code: only our own codes go there.
          if (error instanceof SignInRefused) throw error;
          log.error("sign-in failed on the server", error);
          throw new Error("ServerError");
        }
      },
    }),
  ];
  if (oidcConfigured()) providers.push(oidcProvider());

  return {
    secret: authSecret(),
    providers,
    useSecureCookies: secureCookies,
    // next-auth's own messages go to the server log; a refused session cookie
    // (ended, expired, forged) is routine, not an error.
    logger: {
      error: (code, metadata) =>
        code === "JWT_SESSION_ERROR"
          ? log.debug("a session cookie was refused", metadata)
          : log.warn(`next-auth: ${code}`, metadata),
      warn: (code) => log.warn(`next-auth: ${code}`),
      debug: () => {},
    },
    session: { strategy: "jwt", maxAge: c.LAKEBOOK_SESSION_HOURS * 3600 },
    // next-auth seals the sign-in cookie for 30 days unless told otherwise; the
    // session row's absolute end (sessions.ts) is what counts, this only keeps
    // the cookie itself from outliving it by much.
    jwt: { maxAge: c.LAKEBOOK_SESSION_HOURS * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    events: {
      /** Signing out ends the session on the server too: a copy of the cookie stops working with it. */
      async signOut({ token }) {
        const sid = sessionIdOf(token ?? null);
        if (sid) await endSession((await runtime()).db, sid);
      },
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        // Single sign-on: bound by issuer and subject, never matched by email alone (sso.ts).
        return ssoSignIn(user, profile as Record<string, unknown> | undefined);
      },
      /**
       * At sign-in (`user` present) a server-side session starts and the
       * cookie carries only its id (sessions.ts); on each refresh of the
       * cookie the session must still be live, else next-auth clears it.
       */
      async jwt({ token, user }) {
        const { db, sessions } = await runtime();
        if (user) {
          // `user.id` is the account's: from `authorize` for a password, and
          // for single sign-on `ssoSignIn` made it the bound account (oidc.ts).
          const row = await findUser(db, user.id);
          if (!row || row.disabled) throw new Error("No active account for this sign-in");
          return { sid: await startSession(db, row.id) };
        }
        const sid = sessionIdOf(token);
        if (!sid || !(await sessionUser(db, sid, new Date(), sessions))) throw new Error("The session has ended");
        return { sid };
      },
      /** What GET /api/auth/session tells the browser: nothing beyond that a session exists. */
      async session({ session }) {
        return { expires: session.expires };
      },
      /** After sign-in and sign-out: only paths of this server (callback-path.ts). */
      async redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
      },
    },
  };
}
