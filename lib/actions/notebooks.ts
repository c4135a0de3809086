"use server";

import {
  cellToQueryInput,
  listNotebooksInput,
  notebookContentInput,
  notebookIdInput,
  saveNotebookInput,
} from "@/lib/schemas/notebooks";
import { action } from "@/lib/server/actions/safe-action";
import {
  cellToQuery,
  createNotebook,
  getNotebook,
  listUserNotebooks,
  removeNotebook,
  saveNotebook,
} from "@/lib/server/notebooks";

const PAGE = 50;

export const listNotebooksAction = action(listNotebooksInput, (input, user) =>
  listUserNotebooks(user, { ...input, limit: PAGE }),
);

export const getNotebookAction = action(notebookIdInput, (input, user) => getNotebook(user, input.notebookId));

/** A new notebook, or a copy of one the user has in front of them. */
export const createNotebookAction = action(notebookContentInput, (input, user) => createNotebook(user, input));

/** Saves over `baseVersion`, or returns the newer version that is in the way. */
export const saveNotebookAction = action(saveNotebookInput, (input, user) =>
  saveNotebook(user, input.notebookId, input.baseVersion, input.content),
);

export const deleteNotebookAction = action(notebookIdInput, (input, user) => removeNotebook(user, input.notebookId));

export const cellToQueryAction = action(cellToQueryInput, async (input, user) => {
  const query = await cellToQuery(user, input.notebookId, input.cellId, input);
  return { id: query.id, title: query.title };
});
