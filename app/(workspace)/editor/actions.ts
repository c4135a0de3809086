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
import { engineFor } from "@/lib/server/connections";
import { queryFor } from "@/lib/server/queries";
import { cancelRun, readCell, readPage, runState, startRun } from "@/lib/server/runs/runs";
import { closeTab, linkTab, listTabs, openDraftTab, openQueryTab, saveDraft, setTabRun } from "@/lib/server/tabs";

/**
 * Runs SQL in a tab. A tab of a saved query that runs exactly the saved SQL on
 * its connection records the run as the query's (it needs Can run), so that
 * everyone who can view the query sees it as the last result.
 */
export const startRunAction = action(startRunInput, async (input, user) => {
  let queryId: string | null = null;
  if (input.queryId) {
    const { query } = await queryFor(user, input.queryId, "run");
    if (query.sql === input.sql && query.connectionId === input.connectionId) queryId = query.id;
  }
  const started = await startRun(user, { ...input, queryId }, await engineFor(user, input.connectionId));
  await setTabRun(user, input.lane, started.run.id);
  return started;
});

export const runStateAction = action(runStateInput, (input, user) =>
  runState(user, input.runId, input.knownRows, input.waitMs),
);

export const cancelRunAction = action(runIdInput, (input, user) => cancelRun(user, input.runId));

export const pageAction = action(pageInput, (input, user) =>
  readPage(user, input.runId, input.offset, input.limit, input.sort),
);

export const cellAction = action(cellInput, (input, user) => readCell(user, input.runId, input.rowId, input.column));

export const listTabsAction = action(tabIdInput.partial(), (_input, user) => listTabs(user));

export const openTabAction = action(openTabInput, (input, user) =>
  "queryId" in input ? openQueryTab(user, input.queryId) : openDraftTab(user, input),
);

export const saveDraftAction = action(draftInput, (input, user) => saveDraft(user, input));

export const linkTabAction = action(linkTabInput, async (input, user) => {
  const { query } = await queryFor(user, input.queryId, "view");
  return linkTab(user, input.tabId, query.id, input.version, query.title);
});

export const closeTabAction = action(tabIdInput, (input, user) => closeTab(user, input.tabId));
