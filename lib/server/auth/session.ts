import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { UserError } from "@/lib/action-result";
import { PAGE_HEADER, signInPath } from "@/lib/auth/callback-path";
import { userCount } from "../db/queries/users";
import type { User } from "../db/schema";
import { runtime } from "../runtime";
import { authOptions } from "./options";
import { secureCookies } from "./secure-cookies";
import { type SignedIn, signedInFromCookies } from "./sessions";

export const SIGN_IN_REQUIRED = "Your session has ended. Sign in again to continue.";

/**
 * The signed-in member and their session, checked against the store on every
 * call (sessions.ts): a revoked or expired session, or a disabled member, is
 * refused even while the cookie itself is still valid.
 */
export async function currentSession(): Promise<SignedIn | null> {
  const secure = secureCookies(await headers());
  const jar = Object.fromEntries((await cookies()).getAll().map((c) => [c.name, c.value]));
  const { db, sessions } = await runtime();
  return signedInFromCookies(db, jar, {
    secret: authOptions(secure).secret ?? "",
    secureCookie: secure,
    cache: sessions,
  });
}

/** The signed-in member, or null. */
export async function currentUser(): Promise<User | null> {
  return (await currentSession())?.user ?? null;
}

/** The signed-in member and session, or a UserError asking to sign in again. */
export async function requireSession(): Promise<SignedIn> {
  const session = await currentSession();
  if (!session) throw new UserError(SIGN_IN_REQUIRED, "sign-in");
  return session;
}

export async function requireUser(): Promise<User> {
  const user = await currentUser();
  if (!user) throw new UserError(SIGN_IN_REQUIRED, "sign-in");
  return user;
}

export async function requireAdmin(): Promise<User> {
  const user = await requireUser();
  if (user.role !== "admin") throw new UserError("Only an admin can do this.", "forbidden");
  return user;
}

/**
 * For pages: the signed-in user, or a redirect to sign in and back to this
 * page (a shared query's link still opens the query), or, on a brand-new
 * server, to create the first admin. Each page checks for itself, since a
 * client-side navigation does not re-render the layout above it.
 */
export async function pageUser(): Promise<User> {
  const user = await currentUser();
  if (user) return user;
  const { db } = await runtime();
  redirect((await userCount(db)) === 0 ? "/setup" : signInPath((await headers()).get(PAGE_HEADER)));
}
