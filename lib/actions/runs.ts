"use server";

// Runs, whichever page starts them: the editor runs a tab's SQL, a notebook
// runs a cell; both then cancel and chart a run with the same actions. Reads
// (state, pages, cells) are GET routes under app/api/runs/[id]/ (see
// lib/results/reads.ts), so that they never queue behind an action.

import { chartDataInput, runCellInput } from "@/lib/schemas/notebooks";
import { runIdInput, startRunInput } from "@/lib/schemas/runs";
import { action } from "@/lib/server/actions/safe-action";
import { runCell } from "@/lib/server/notebooks";
import { cancelRun, readChart } from "@/lib/server/runs/runs";
import { runInTab } from "@/lib/server/tabs";

export const startRunAction = action(startRunInput, (input, user) => runInTab(user, input));

export const runCellAction = action(runCellInput, (input, user) =>
  runCell(user, input.notebookId, input.cellId, input.pageSize, input.parameters),
);

export const cancelRunAction = action(runIdInput, (input, user) => cancelRun(user, input.runId));

export const chartDataAction = action(chartDataInput, (input, user) => readChart(user, input.runId, input.chart));
