"use client";

import { useCallback, useRef, useState } from "react";
import { cellsToRun } from "@/lib/notebooks/cells";
import type { NotebookCell } from "@/lib/notebooks/types";
import type { RunView } from "@/lib/results/types";
import type { ParameterSpec } from "@/lib/sql/parameters";
import type { CellRunner } from "./CellView";

/**
 * Runs a notebook's cells: each cell registers how to run and cancel itself;
 * a run first saves pending edits (what runs is what is on screen); run all /
 * above / below go one cell after another and stop at the first failure or
 * on Cancel.
 */
export function useCellRuns(options: {
  saveFirst(): Promise<boolean>;
  onProblem(message: string | null): void;
  /** The notebook's parameter values the cell uses, or why it cannot run with them. */
  parametersFor(id: string): ParameterSpec[] | { problem: string };
}) {
  const runners = useRef(new Map<string, CellRunner>());
  const stopAll = useRef(false);
  const [runningAll, setRunningAll] = useState(false);
  const { saveFirst, onProblem, parametersFor } = options;

  const registerRunner = useCallback((id: string, runner: CellRunner | null) => {
    if (runner) runners.current.set(id, runner);
    else runners.current.delete(id);
  }, []);

  const runCell = async (id: string): Promise<RunView | null> => {
    onProblem(null);
    const parameters = parametersFor(id);
    if (!Array.isArray(parameters)) {
      onProblem(parameters.problem);
      return null;
    }
    if (!(await saveFirst())) {
      onProblem("The notebook could not be saved, so the cell did not run. See the message above.");
      return null;
    }
    return (await runners.current.get(id)?.run(parameters)) ?? null;
  };

  const runMany = async (cells: NotebookCell[], scope: "all" | "above" | "below", fromId?: string) => {
    if (runningAll) return;
    setRunningAll(true);
    stopAll.current = false;
    try {
      for (const cell of cellsToRun(cells, scope, fromId)) {
        if (stopAll.current) break;
        document.querySelector(`[data-cell-id="${cell.id}"]`)?.scrollIntoView({ block: "nearest" });
        const run = await runCell(cell.id);
        if (run?.status !== "succeeded") break;
      }
    } finally {
      setRunningAll(false);
    }
  };

  const cancelAll = () => {
    stopAll.current = true;
    for (const runner of runners.current.values()) void runner.cancel();
  };

  /** Stops the cell's run, if it has one going (a deleted cell's run would be wasted work). */
  const cancelCell = (id: string) => void runners.current.get(id)?.cancel();

  return { registerRunner, runCell, runMany, cancelAll, cancelCell, runningAll };
}
