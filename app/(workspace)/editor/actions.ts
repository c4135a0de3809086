"use server";

import { cellInput, pageInput, runIdInput, runStateInput, startRunInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { engineFor } from "@/lib/server/connections";
import { cancelRun, readCell, readPage, runState, startRun } from "@/lib/server/runs/runs";

export const startRunAction = action(startRunInput, async (input, user) =>
  startRun(user, input, await engineFor(user, input.connectionId)),
);

export const runStateAction = action(runStateInput, (input, user) =>
  runState(user, input.runId, input.knownRows, input.waitMs),
);

export const cancelRunAction = action(runIdInput, (input, user) => cancelRun(user, input.runId));

export const pageAction = action(pageInput, (input, user) =>
  readPage(user, input.runId, input.offset, input.limit, input.sort),
);

export const cellAction = action(cellInput, (input, user) => readCell(user, input.runId, input.rowId, input.column));
