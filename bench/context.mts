// What the bench's phases share with the script that runs them.

/** What a phase needs from main.mts: where the app is, where to put files, and how to wait and report progress. */
export interface PhaseContext {
  /** The checkout of the app that is measured. */
  cwd: string;
  /** This bench's temporary directory (removed at the end). */
  tmpRoot: string;
  /** Tiny sizes (BENCH_SMOKE=1). */
  smoke: boolean;
  waitForQuiet: () => Promise<void>;
  /** What the bench is doing, for the watchdog's message. */
  setStep: (text: string) => void;
}

/** Adds a row to the targets table: what was measured, the goal, and whether it was met. */
export type AddTarget = (name: string, measured: string, goal: string, pass: boolean) => void;
