"use server";

// Sharing of saved queries and notebooks alike: `kind` says which.

import { grantsInput, principalsInput, shareInput, unshareInput } from "@/lib/schemas/sharing";
import { action } from "@/lib/server/actions/safe-action";
import { findPrincipals, listGrants, share, unshare } from "@/lib/server/sharing";

export const grantsAction = action(grantsInput, (input, user) => listGrants(user, input.kind, input.id));

export const shareAction = action(shareInput, (input, user) =>
  share(user, input.kind, input.id, input.principal, input.level),
);

export const unshareAction = action(unshareInput, (input, user) =>
  unshare(user, input.kind, input.id, input.principal),
);

export const principalsAction = action(principalsInput, (input, user) => findPrincipals(user, input.search));
