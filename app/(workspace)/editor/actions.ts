"use server";

import { cellInput, pageInput, runIdInput, runStateInput, startRunInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { cancelRun, readCell, readPage, runState, startRun } from "@/lib/server/runs/runs";

export const startRunAction = action(startRunInput, (input, actor) => startRun(actor, input));

export const runStateAction = action(runStateInput, (input, actor) =>
  runState(actor, input.runId, input.knownRows, input.waitMs),
);

export const cancelRunAction = action(runIdInput, (input, actor) => cancelRun(actor, input.runId));

export const pageAction = action(pageInput, (input, actor) =>
  readPage(actor, input.runId, input.offset, input.limit, input.sort),
);

export const cellAction = action(cellInput, (input, actor) => readCell(actor, input.runId, input.rowId, input.column));
