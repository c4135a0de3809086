import "server-only";
import { durationInWords } from "@/lib/duration";
import { config } from "../config";
import { EngineError } from "../engines/types";

/** The abort reason of a statement stopped at LAKEBOOK_STATEMENT_TIMEOUT. */
const TIMED_OUT = Symbol.for("lakebook.statementTimeout");

/**
 * Aborts `controller` once the statement has run for LAKEBOOK_STATEMENT_TIMEOUT;
 * both engines stop a statement when its signal aborts. Returns the disarm.
 */
export function armStatementTimeout(controller: AbortController): () => void {
  const timer = setTimeout(() => controller.abort(TIMED_OUT), config().LAKEBOOK_STATEMENT_TIMEOUT * 1000);
  return () => clearTimeout(timer);
}

/** Whether a statement ended because of the timeout: ours, or the warehouse's own. */
export function timedOut(signal: AbortSignal, error: unknown): boolean {
  return signal.reason === TIMED_OUT || (EngineError.is(error) && error.details.timedOut === true);
}

export function timeoutMessage(): string {
  const limit = durationInWords(config().LAKEBOOK_STATEMENT_TIMEOUT);
  return `The query ran longer than the server's statement timeout of ${limit} and was stopped.`;
}
