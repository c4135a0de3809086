"use server";

import {
  createQueryInput,
  listQueriesInput,
  queryIdInput,
  queryVersionInput,
  saveQueryInput,
} from "@/lib/schemas/queries";
import { action } from "@/lib/server/actions/safe-action";
import { choicesFromQuery } from "@/lib/server/parameter-choices";
import {
  createQuery,
  getQuery,
  listSavedQueries,
  queryVersion,
  queryVersions,
  removeQuery,
  saveQuery,
} from "@/lib/server/queries";
import { linkTab } from "@/lib/server/tabs";

const PAGE = 50;

export const listQueriesAction = action(listQueriesInput, (input, user) =>
  listSavedQueries(user, { ...input, limit: PAGE }),
);

export const getQueryAction = action(queryIdInput, (input, user) => getQuery(user, input.queryId));

/** Saves the SQL as a new query; the tab it came from now edits that query. */
export const createQueryAction = action(createQueryInput, async ({ tabId, ...fields }, user) => {
  const query = await createQuery(user, fields);
  const tab = tabId ? await linkTab(user, tabId, query.id, query.version, query.title) : null;
  return { query, tab };
});

/** Saves over `baseVersion`, or returns the newer version that is in the way. */
export const saveQueryAction = action(saveQueryInput, async ({ id, baseVersion, tabId, ...fields }, user) => {
  const result = await saveQuery(user, id, baseVersion, fields);
  if (!("saved" in result)) return result;
  const tab = tabId ? await linkTab(user, tabId, id, result.saved.version, result.saved.title) : null;
  return { ...result, tab };
});

/** The values of a dropdown filled from a saved query: its last result's first column. */
export const parameterChoicesAction = action(queryIdInput, (input, user) => choicesFromQuery(user, input.queryId));

export const deleteQueryAction = action(queryIdInput, (input, user) => removeQuery(user, input.queryId));

export const queryVersionsAction = action(queryIdInput, (input, user) => queryVersions(user, input.queryId));

export const queryVersionAction = action(queryVersionInput, (input, user) =>
  queryVersion(user, input.queryId, input.version),
);
