import "server-only";
import { REFUSED_CODE, UNREACHABLE, WarehouseRefusal } from "../../network/warehouse-policy";
import { EngineError } from "../types";
import { CloudStorageFailure } from "./cloud-fetch";

/** System errors that mean the warehouse could not be reached, or the connection to it was lost. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
]);
/** HTTP statuses a Databricks warehouse answers, whose meaning a member needs to fix their connection. */
const WAREHOUSE_STATUSES = new Set([401, 403, 404, 429, 503]);

/**
 * Turns what the driver throws into a message a person can act on. Never
 * includes request details, which could carry the token.
 *
 * `revealNetwork` is false for members who are not admins: every failure to
 * reach the warehouse — no such host, refused, timed out, reset, a TLS
 * failure, an unexpected HTTP status, an address the policy refuses — then
 * reads the same "Could not reach the warehouse.", so that testing
 * connections tells nothing about the server's network. Admins (and the log)
 * get the detail.
 */
export function databricksError(error: unknown, revealNetwork = true, warehouseHost?: string): EngineError {
  if (EngineError.is(error)) return error;
  if (WarehouseRefusal.is(error)) return new EngineError(revealNetwork ? error.message : error.memberMessage);
  const storage = storageFailure(error, warehouseHost);
  if (storage !== null) return new EngineError(storageMessage(storage, revealNetwork));
  const detail = classify(error);
  if (detail.network && !revealNetwork) return new EngineError(UNREACHABLE);
  return detail.error;
}

function classify(error: unknown): { error: EngineError; network: boolean } {
  const e = error as {
    name?: string;
    message?: string;
    statusCode?: number;
    code?: string;
    errorCode?: string;
    response?: { sqlState?: string; displayMessage?: string; errorMessage?: string };
  };
  const network = (message: string) => ({ error: new EngineError(message), network: true });
  const status = e?.statusCode;
  if (status === 401 || status === 403)
    return {
      error: new EngineError(
        `The warehouse rejected the credentials (HTTP ${status}). Check the token or the service principal's secret.`,
      ),
      network: false,
    };
  if (status === 404)
    return {
      error: new EngineError(
        "No SQL warehouse answers at this HTTP path (HTTP 404). Copy the HTTP path from the warehouse's Connection details.",
      ),
      network: false,
    };
  if (status === 503 || status === 429)
    return {
      error: new EngineError("The warehouse is starting or busy (HTTP 503). Try again in a minute."),
      network: false,
    };
  if (typeof status === "number" && !WAREHOUSE_STATUSES.has(status))
    return network(`The warehouse host answered HTTP ${status}, which no SQL warehouse answers.`);
  if (e?.errorCode === "TIMEOUT")
    return {
      error: new EngineError("The warehouse stopped the query at its statement timeout.", { timedOut: true }),
      network: false,
    };
  if (e?.errorCode === "CANCELED" || (/cancel/i.test(e?.message ?? "") && e?.response))
    return { error: new EngineError("Query cancelled", { cancelled: true }), network: false };
  const code = e?.code ?? "";
  if (code === REFUSED_CODE)
    return network(
      "The warehouse host resolved to an address this server does not connect to (see LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS).",
    );
  if (code === "ECONNRESET" || /socket hang up/i.test(e?.message ?? ""))
    return network("The connection to the warehouse was lost (ECONNRESET). Run the query again.");
  if (NETWORK_CODES.has(code))
    return network(`The warehouse host cannot be reached (${code}). Check the server hostname and the network.`);
  if (/CERT|SSL|TLS|self[- ]signed|certificate/i.test(`${code} ${e?.message ?? ""}`))
    return network(`The warehouse's TLS certificate was not accepted (${code || "TLS error"}).`);
  // node-fetch's errors for sockets and time-outs the codes above do not name.
  if (e?.name === "FetchError")
    return network(`The warehouse host cannot be reached (${code || "network error"}). Check the server hostname.`);
  const sqlState = e?.response?.sqlState;
  const message = (e?.response?.displayMessage ?? e?.response?.errorMessage ?? e?.message ?? String(error)).trim();
  const at = positionIn(message);
  return {
    error: new EngineError(message, { ...(sqlState ? { sqlState } : {}), ...(at ? { at } : {}) }),
    network: false,
  };
}

/**
 * What went wrong downloading a CloudFetch result file from the workspace's
 * cloud storage, or null when the error is not about that: the driver's own
 * CloudFetch errors, and network errors (retries exhausted or not) for a
 * request to a host other than the warehouse's. Null `detail`: not shown.
 */
function storageFailure(
  error: unknown,
  warehouseHost: string | undefined,
): { detail: string; answered?: boolean } | null {
  const outer = error as { errorCode?: string; payload?: unknown; response?: unknown };
  // The warehouse's own answers (they may quote the statement) are never about the storage.
  if (outer?.response) return null;
  // A download's failure as cloud-fetch.ts marks it; the driver's retry policy gives up with a RetryError carrying the last.
  const marked = error instanceof CloudStorageFailure;
  const failed = (marked ? error.cause : error) as typeof outer;
  const inner = (
    failed?.errorCode === "ATTEMPTS_EXCEEDED" || failed?.errorCode === "TIMEOUT_EXCEEDED" ? failed.payload : failed
  ) as { message?: unknown; code?: unknown } | undefined;
  const message = typeof inner?.message === "string" ? inner.message : "";
  if (message.startsWith("CloudFetch link has expired")) return { detail: "expired" };
  const status = /^CloudFetch HTTP error (\d{3})/.exec(message)?.[1];
  if (status) return { detail: `the storage answered HTTP ${status}`, answered: true };
  if (!marked && !toOtherHost(message, warehouseHost)) return null;
  const code = typeof inner?.code === "string" ? inner.code : "network error";
  if (code === REFUSED_CODE)
    return { detail: "its address is one this server does not connect to, see LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS" };
  return { detail: code };
}

/** A node-fetch error ("request to <url> failed, reason: …") for a host other than the warehouse's. */
function toOtherHost(message: string, warehouseHost: string | undefined): boolean {
  const url = /^request to (\S+) failed/.exec(message)?.[1];
  if (!url || !warehouseHost) return false;
  try {
    return new URL(url).hostname.toLowerCase() !== warehouseHost.toLowerCase();
  } catch {
    return false;
  }
}

function storageMessage(failure: { detail: string; answered?: boolean }, reveal: boolean): string {
  if (failure.detail === "expired")
    return "The result's download links (CloudFetch) expired again before they could be read. Run the query again; if it keeps happening, turn CloudFetch off in the connection's settings.";
  const what = !reveal
    ? "The result could not be downloaded from the workspace's cloud storage (CloudFetch)."
    : failure.answered
      ? `The result could not be downloaded from the workspace's cloud storage (CloudFetch: ${failure.detail}).`
      : `The workspace's result storage could not be reached: ${failure.detail} (CloudFetch).`;
  return `${what} The Lakebook server needs network access to the workspace's cloud storage for large results; or turn CloudFetch off in the connection's settings, and results come through the warehouse instead.`;
}

/** The longest tail of an error message searched for its position: it may quote a whole statement before it. */
const POSITION_TAIL = 200;

/**
 * Where a Databricks error says the problem is in the statement: `(line 1,
 * pos 9)` (syntax errors) or `; line 1 pos 9` (analysis errors), near the end
 * of the message; `pos` counts characters of the line from 0.
 */
export function positionIn(message: string): { line: number; column: number } | null {
  const tail = message.slice(-POSITION_TAIL);
  const matches = [...tail.matchAll(/\bline (\d{1,7}),? pos (\d{1,7})\b/g)];
  const last = matches.at(-1);
  return last ? { line: Number(last[1]), column: Number(last[2]) + 1 } : null;
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
