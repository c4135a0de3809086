import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { containsNul } from "@/lib/text-input";
import { config, dataDir } from "../config";
import { decoyHash, verifyPassword } from "../crypto/password";
import { deriveKey, loadSecretKey } from "../crypto/secret-key";
import { findUserByEmail } from "../db/queries/users";
import { runtime } from "../runtime";
import { OIDC_PROVIDER_ID, oidcProvider, ssoSignIn } from "./oidc";

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

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  cached ??= build();
  return cached;
}

function build(): NextAuthOptions {
  const c = config();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const email = credentials?.email?.trim() ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password || password.length > 1024 || containsNul([email, password])) return null;
        const { db } = await runtime();
        const user = await findUserByEmail(db, email);
        // Same work whether or not the account exists, so timing does not tell.
        const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
        if (!user?.passwordHash || !ok || user.disabled) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (oidcConfigured()) providers.push(oidcProvider());

  return {
    secret: authSecret(),
    providers,
    session: { strategy: "jwt", maxAge: c.LAKEBOOK_SESSION_HOURS * 3600 },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        // Single sign-on: bound by issuer and subject, never matched by email alone (sso.ts).
        return ssoSignIn(user, profile as Record<string, unknown> | undefined);
      },
      async jwt({ token, user }) {
        if (user?.email) {
          const { db } = await runtime();
          const row = await findUserByEmail(db, user.email);
          if (row) {
            token.uid = row.id;
            token.role = row.role;
            token.name = row.name;
            token.email = row.email;
          }
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: token.uid ?? "",
          name: token.name ?? "",
          email: token.email ?? "",
          role: token.role ?? "member",
        };
        session.issuedAt = typeof token.iat === "number" ? token.iat : 0;
        return session;
      },
    },
  };
}
