import "server-only";
import { EngineError } from "../types";

/**
 * Turns what the driver throws into a message a person can act on. Never
 * includes request details, which could carry the token.
 */
export function databricksError(error: unknown): EngineError {
  const e = error as {
    message?: string;
    statusCode?: number;
    code?: string;
    errorCode?: string;
    response?: { sqlState?: string; displayMessage?: string; errorMessage?: string };
  };
  const status = e?.statusCode;
  if (status === 401 || status === 403)
    return new EngineError(
      `The warehouse rejected the credentials (HTTP ${status}). Check the token or the service principal's secret.`,
    );
  if (status === 404)
    return new EngineError(
      "No SQL warehouse answers at this HTTP path (HTTP 404). Copy the HTTP path from the warehouse's Connection details.",
    );
  if (status === 503 || status === 429)
    return new EngineError("The warehouse is starting or busy (HTTP 503). Try again in a minute.");
  if (e?.errorCode === "TIMEOUT")
    return new EngineError("The warehouse stopped the query at its statement timeout.", { timedOut: true });
  if (e?.errorCode === "CANCELED" || (/cancel/i.test(e?.message ?? "") && e?.response))
    return new EngineError("Query cancelled", { cancelled: true });
  const code = e?.code ?? "";
  if (code === "ECONNRESET" || /socket hang up/i.test(e?.message ?? "")) {
    return new EngineError("The connection to the warehouse was lost (ECONNRESET). Run the query again.");
  }
  if (["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ETIMEDOUT"].includes(code)) {
    return new EngineError(
      `The warehouse host cannot be reached (${code}). Check the server hostname and the network.`,
    );
  }
  if (/CERT|SSL|TLS|self[- ]signed|certificate/i.test(`${code} ${e?.message ?? ""}`)) {
    return new EngineError(`The warehouse's TLS certificate was not accepted (${code || "TLS error"}).`);
  }
  const sqlState = e?.response?.sqlState;
  const message = e?.response?.displayMessage ?? e?.response?.errorMessage ?? e?.message ?? String(error);
  return new EngineError(message.trim(), sqlState ? { sqlState } : {});
}

/**
 * "Invalid session", "SessionHandle", or "session" then "expired", "closed" or
 * "not found" later on the same line. Plain searches, not `session.*(…)`: an
 * error can quote a whole statement, and that pattern rescans each line.
 */
export function isExpiredSession(error: unknown): boolean {
  const text = `${(error as { message?: string })?.message ?? ""} ${(error as { errorCode?: string })?.errorCode ?? ""}`;
  const lower = text.toLowerCase();
  if (lower.includes("invalid session") || lower.includes("sessionhandle")) return true;
  return lower.split(/[\n\r\u2028\u2029]/).some((line) => {
    const at = line.indexOf("session");
    return at >= 0 && ["expired", "closed", "not found"].some((word) => line.includes(word, at + 7));
  });
}
