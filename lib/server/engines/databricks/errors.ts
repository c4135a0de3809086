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
