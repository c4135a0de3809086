"use server";

import { UserError } from "@/lib/action-result";
import { ssoLinkInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { confirmPassword } from "@/lib/server/auth/account";
import { oidcConfigured } from "@/lib/server/auth/options";
import { startLink } from "@/lib/server/auth/sso-link";
import { runtime } from "@/lib/server/runtime";

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
