"use server";

import { UserError } from "@/lib/action-result";
import { changePasswordInput, noInput, ssoLinkInput } from "@/lib/schemas/members";
import { action } from "@/lib/server/actions/safe-action";
import { changePassword, confirmPassword, signOutEverywhere } from "@/lib/server/auth/account";
import { oidcConfigured } from "@/lib/server/auth/options";
import { requireSession } from "@/lib/server/auth/session";
import { startLink } from "@/lib/server/auth/sso-link";
import { runtime } from "@/lib/server/runtime";

/** Changes the member's own password (the current one is required); their other sessions end, this one stays. */
export const changePasswordAction = action(changePasswordInput, async ({ current, next }) => {
  const { user, sessionId } = await requireSession();
  return changePassword((await runtime()).db, user, sessionId, { current, next });
});

/** Ends every session of the member, this one included; the browser then clears its cookie. */
export const signOutEverywhereAction = action(noInput, async (_input, user) => {
  return { endedSessions: await signOutEverywhere((await runtime()).db, user) };
});

/**
 * First step of linking single sign-on to a password account: the member
 * confirms their password, and the server sets the short-lived link cookie
 * that the sign-in callback reads when the issuer sends them back
 * (lib/server/auth/sso-link.ts). The browser then starts the OIDC flow.
 */
export const startSsoLinkAction = action(ssoLinkInput, async ({ password }, user) => {
  if (!oidcConfigured()) throw new UserError("Single sign-on is not set up on this server.");
  if (!user.passwordHash) throw new UserError("Your account already signs in with single sign-on only.");
  await confirmPassword((await runtime()).db, user, password, "That is not your password.");
  await startLink(user.id);
  return { started: true };
});
