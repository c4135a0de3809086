import "server-only";
import { UserError } from "@/lib/action-result";
import type { RunRecord } from "./catalog";
import { runSlots, type Slot } from "./slots";

/**
 * The runs and full downloads in progress in this process: what cancelling,
 * waiting for news and shutting down act on.
 */
export interface ActiveRun {
  record: RunRecord;
  lane: string;
  controller: AbortController;
  waiters: Set<() => void>;
  /** Its turn on an engine: waiting in the queue, then held until its session is closed. */
  slot: Slot;
}

/** A full download (see allRowsCsv): a statement of its member's on an engine, outside any run. */
export interface ActiveDownload {
  owner: string;
  controller: AbortController;
}

// Runs in progress in this process (waiting or running), by id, and full downloads.
const holder = globalThis as {
  __lakebookActiveRuns?: Map<string, ActiveRun>;
  __lakebookDownloads?: Set<ActiveDownload>;
};
holder.__lakebookActiveRuns ??= new Map();
holder.__lakebookDownloads ??= new Set();
export const active = holder.__lakebookActiveRuns;
export const downloads = holder.__lakebookDownloads;

/**
 * The one admission of a statement onto an engine, for a run or a full
 * download: a run is one at a time in its editor `lane` (null for a
 * download), and either takes a slot of its member's, waiting if need be
 * (slots.ts). Synchronous, so that parallel requests see each other's lane
 * and slot.
 */
export function admit(owner: string, lane: string | null): Slot {
  if (lane !== null && [...active.values()].some((run) => run.lane === lane)) {
    throw new UserError("A query is already running in this editor. Cancel it or wait for it to finish.", "conflict");
  }
  return runSlots().take(owner);
}

/** Waits for an admitted statement's slot: whether it may go now (false: it left the queue or was stopped). */
export async function granted(slot: Slot, signal: AbortSignal): Promise<boolean> {
  return (await slot.whenGranted(signal)) && !signal.aborted;
}

/** Why someone else stopped a member's run, as the run's message says. */
export interface StopReason {
  note: string;
}

/** Stops every run (waiting or running) and full download of a member, e.g. when they are disabled. */
export async function cancelRunsOf(userId: string, note: string): Promise<void> {
  const reason: StopReason = { note };
  for (const download of downloads) if (download.owner === userId) download.controller.abort(reason);
  const theirs = [...active.values()].filter((run) => run.record.owner === userId);
  for (const run of theirs) run.controller.abort(reason);
  await Promise.all(theirs.map((run) => waitFor(run, () => run.record.status !== "running", 5_000)));
}

/** What History shows of a run this process is running: whether it waits, and its message now. */
export function liveRun(id: string): { waiting: boolean; message: string | null } | null {
  const run = active.get(id);
  return run ? { waiting: run.slot.state === "waiting", message: run.record.message } : null;
}

export function fullDownloadsRunning(): number {
  return downloads.size;
}

export function notify(run: ActiveRun): void {
  for (const wake of run.waiters) wake();
}

export function waitFor(run: ActiveRun, done: () => boolean, timeoutMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      run.waiters.delete(check);
      resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    run.waiters.add(check);
  });
}

// Set once the server is shutting down (shutdown.ts): the message new runs are refused with.
const stopping = globalThis as { __lakebookStopping?: string };

export function refuseWhileStopping(): void {
  if (stopping.__lakebookStopping) throw new UserError(stopping.__lakebookStopping, "busy");
}

/** From now on, starting a run (or a full download) fails with `message`. */
export function stopTakingRuns(message: string): void {
  stopping.__lakebookStopping = message;
}

/**
 * Cancels every run in progress in this process, waiting or running (each
 * engine stops its statement), and every full download, with `reason` as the
 * run's message. Resolves once every run has ended and stored its end, or
 * after `waitMs`; with the number of runs cancelled.
 */
export async function cancelAllRuns(reason: string, waitMs: number): Promise<number> {
  const stop: StopReason = { note: reason };
  for (const download of downloads) download.controller.abort(stop);
  const runs = [...active.values()];
  for (const run of runs) run.controller.abort(stop);
  await Promise.all(runs.map((run) => waitFor(run, () => !active.has(run.record.id), waitMs)));
  return runs.length;
}
