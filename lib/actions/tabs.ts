"use server";

import { draftInput, linkTabInput, openTabInput, tabIdInput } from "@/lib/schemas/queries";
import { action } from "@/lib/server/actions/safe-action";
import { queryFor } from "@/lib/server/queries";
import { closeTab, linkTab, openDraftTab, openQueryTab, saveDraft } from "@/lib/server/tabs";

export const openTabAction = action(openTabInput, (input, user) =>
  "queryId" in input ? openQueryTab(user, input.queryId) : openDraftTab(user, input),
);

export const saveDraftAction = action(draftInput, (input, user) => saveDraft(user, input));

export const linkTabAction = action(linkTabInput, async (input, user) => {
  const { query } = await queryFor(user, input.queryId, "view");
  return linkTab(user, input.tabId, query.id, input.version, query.title);
});

export const closeTabAction = action(tabIdInput, (input, user) => closeTab(user, input.tabId));
