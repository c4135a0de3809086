import "server-only";
import { log } from "./log";

const installed = globalThis as { __lakebookErrorHandlers?: boolean };

/**
 * A promise that fails with nobody awaiting it (a driver's background work, a
 * forgotten catch) is logged, and the server keeps serving everyone else:
 * Node's default would end the process.
 */
export function installErrorHandlers(): void {
  if (installed.__lakebookErrorHandlers) return;
  installed.__lakebookErrorHandlers = true;
  process.on("unhandledRejection", (reason) => {
    log.error("a promise failed and nothing handled it; the server keeps running", reason);
  });
}
