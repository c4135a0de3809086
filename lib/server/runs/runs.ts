import "server-only";

/**
 * Runs, as the rest of the server uses them: starting and following a run
 * (lifecycle.ts), reading its result (reads.ts), downloading it
 * (downloads.ts), what the browser is sent (view.ts), and the runs and
 * downloads in progress in this process (registry.ts). Who may read a run is
 * decided in access.ts.
 */
export { allRowsCsv, csvDownload } from "./downloads";
export { cancelRun, runEnded, runState, type StartRunInput, startRun } from "./lifecycle";
export { readCell, readChart, readPage } from "./reads";
export { cancelAllRuns, cancelRunsOf, fullDownloadsRunning, liveRun, stopTakingRuns } from "./registry";
export { runView } from "./view";
