import "server-only";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { UserError } from "@/lib/action-result";
import { findUser, userCount } from "../db/queries/users";
import type { User } from "../db/schema";
import { runtime } from "../runtime";
import { authOptions } from "./options";

export const SIGN_IN_REQUIRED = "Your session has ended. Sign in again to continue.";

/**
 * The signed-in user, checked against the store on every call: a disabled
 * account, or a session older than the account's last sign-out everywhere,
 * is refused even while its cookie is still valid.
 */
export async function currentUser(): Promise<User | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const { db } = await runtime();
  const user = await findUser(db, session.user.id);
  if (!user || user.disabled) return null;
  if (session.issuedAt * 1000 < user.sessionsValidAfter.getTime() - 1000) return null;
  return user;
}

export async function requireUser(): Promise<User> {
  const user = await currentUser();
  if (!user) throw new UserError(SIGN_IN_REQUIRED);
  return user;
}

export async function requireAdmin(): Promise<User> {
  const user = await requireUser();
  if (user.role !== "admin") throw new UserError("Only an admin can do this.");
  return user;
}

/**
 * For pages: the signed-in user, or a redirect to sign in (or, on a brand-new
 * server, to create the first admin). Each page checks for itself, since a
 * client-side navigation does not re-render the layout above it.
 */
export async function pageUser(): Promise<User> {
  const user = await currentUser();
  if (user) return user;
  const { db } = await runtime();
  redirect((await userCount(db)) === 0 ? "/setup" : "/signin");
}
