"use server";

import { createTokenInput, listTokensInput, tokenIdInput } from "@/lib/schemas/tokens";
import { action } from "@/lib/server/actions/safe-action";
import { createApiToken, listTokens, revokeToken } from "@/lib/server/auth/api-tokens";

/** Makes a personal API token; the answer carries the token itself, the only time it is shown. */
export const createTokenAction = action(createTokenInput, (input, user) => createApiToken(user, input));

/** The member's own tokens, or (for an admin, `all`) everyone's. */
export const listTokensAction = action(listTokensInput, (input, user) => listTokens(user, input.all));

/** Revokes a token of the member's own, or anyone's for an admin. */
export const revokeTokenAction = action(tokenIdInput, async (input, user) => {
  await revokeToken(user, input.tokenId);
  return { revoked: true };
});
