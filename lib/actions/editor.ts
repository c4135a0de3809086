"use server";

import {
  cellInput,
  draftInput,
  linkTabInput,
  openTabInput,
  pageInput,
  runIdInput,
  runStateInput,
  startRunInput,
  tabIdInput,
} from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { queryFor } from "@/lib/server/queries";
import { cancelRun, readCell, readPage, runState } from "@/lib/server/runs/runs";
import { closeTab, linkTab, openDraftTab, openQueryTab, runInTab, saveDraft } from "@/lib/server/tabs";

export const startRunAction = action(startRunInput, (input, user) => runInTab(user, input));

export const runStateAction = action(runStateInput, (input, user) =>
  runState(user, input.runId, input.knownRows, input.waitMs),
);

export const cancelRunAction = action(runIdInput, (input, user) => cancelRun(user, input.runId));

export const pageAction = action(pageInput, (input, user) =>
  readPage(user, input.runId, input.offset, input.limit, input.sort),
);

export const cellAction = action(cellInput, (input, user) => readCell(user, input.runId, input.rowId, input.column));

export const openTabAction = action(openTabInput, (input, user) =>
  "queryId" in input ? openQueryTab(user, input.queryId) : openDraftTab(user, input),
);

export const saveDraftAction = action(draftInput, (input, user) => saveDraft(user, input));

export const linkTabAction = action(linkTabInput, async (input, user) => {
  const { query } = await queryFor(user, input.queryId, "view");
  return linkTab(user, input.tabId, query.id, input.version, query.title);
});

export const closeTabAction = action(tabIdInput, (input, user) => closeTab(user, input.tabId));
