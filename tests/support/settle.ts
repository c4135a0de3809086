import type { RunView } from "@/lib/results/types";

type RunState<A> = (actor: A, id: string, knownRows: number, waitMs: number) => Promise<RunView>;

/**
 * Waits until a run has ended: each call waits up to 200 ms for news beyond
 * the rows already seen (a call with knownRows -1 would answer at once).
 * Takes `runs.runState` so that server modules load after the test's setup.
 */
export async function settleRun<A>(runState: RunState<A>, actor: A, runId: string): Promise<RunView> {
  let known = -1;
  for (let i = 0; i < 150; i++) {
    const view = await runState(actor, runId, known, 200);
    if (view.status !== "running") return view;
    known = view.rowCount;
  }
  throw new Error("run did not finish");
}
