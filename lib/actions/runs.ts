"use server";

// Runs, whichever page starts them: the editor runs a tab's SQL, a notebook
// runs a cell; both then follow the run with the same state, page, cell,
// chart and cancel actions.

import { chartDataInput, runCellInput } from "@/lib/schemas/notebooks";
import { cellInput, pageInput, runIdInput, runStateInput, startRunInput } from "@/lib/schemas/runs";
import { action } from "@/lib/server/actions/safe-action";
import { runCell } from "@/lib/server/notebooks";
import { cancelRun, readCell, readChart, readPage, runState } from "@/lib/server/runs/runs";
import { runInTab } from "@/lib/server/tabs";

export const startRunAction = action(startRunInput, (input, user) => runInTab(user, input));

export const runCellAction = action(runCellInput, (input, user) =>
  runCell(user, input.notebookId, input.cellId, input.pageSize),
);

export const runStateAction = action(runStateInput, (input, user) =>
  runState(user, input.runId, input.knownRows, input.waitMs),
);

export const cancelRunAction = action(runIdInput, (input, user) => cancelRun(user, input.runId));

export const pageAction = action(pageInput, (input, user) =>
  readPage(user, input.runId, input.offset, input.limit, input.sort),
);

export const cellAction = action(cellInput, (input, user) => readCell(user, input.runId, input.rowId, input.column));

export const chartDataAction = action(chartDataInput, (input, user) => readChart(user, input.runId, input.chart));
