"use server";

import { UserError } from "@/lib/action-result";
import { ssoLinkInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { oidcConfigured } from "@/lib/server/auth/options";
import { startLink } from "@/lib/server/auth/sso-link";
import { verifyPassword } from "@/lib/server/crypto/password";

/**
 * First step of linking single sign-on to a password account: the member
 * confirms their password, and the server sets the short-lived link cookie
 * that the sign-in callback reads when the issuer sends them back
 * (lib/server/auth/sso-link.ts). The browser then starts the OIDC flow.
 */
export const startSsoLinkAction = action(ssoLinkInput, async ({ password }, user) => {
  if (!oidcConfigured()) throw new UserError("Single sign-on is not set up on this server.");
  if (!user.passwordHash) throw new UserError("Your account already signs in with single sign-on only.");
  if (!(await verifyPassword(password, user.passwordHash))) throw new UserError("That is not your password.");
  await startLink(user.id);
  return { started: true };
});
