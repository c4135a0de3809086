import type { Rewritten } from "./rewritten";
import { fromDuckdbText } from "./sql-rewrite";

export interface SqlError {
  /** Databricks-style error class, e.g. PARSE_SYNTAX_ERROR. */
  errorClass: string;
  sqlState: string;
  /** Shown to the user: `[CLASS] message SQLSTATE: xxxxx`, the shape Databricks uses. */
  displayMessage: string;
  cancelled: boolean;
}

/** An error the warehouse itself raises for a statement, with its Databricks class and SQLSTATE. */
export class WarehouseError extends Error {
  constructor(
    readonly errorClass: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

interface DuckdbErrorInfo {
  exception_type?: string;
  exception_message?: string;
  error_subtype?: string;
  /** Byte offset of the problem in the statement DuckDB read. */
  position?: string;
}

/**
 * Maps a DuckDB error (the instance runs with `errors_as_json`) to what a
 * Databricks warehouse reports: parser errors → 42601, unknown table →
 * 42P01, unknown column → 42703, anything else → 42000.
 */
export function toSqlError(error: unknown, statement?: { sent: string; ran: Rewritten }): SqlError {
  if (error instanceof WarehouseError) {
    const { errorClass, sqlState, message } = error;
    return {
      errorClass,
      sqlState,
      displayMessage: `[${errorClass}] ${message} SQLSTATE: ${sqlState}`,
      cancelled: false,
    };
  }
  const raw = error instanceof Error ? error.message : String(error);
  const info = parseInfo(raw);
  const type = (info.exception_type ?? "").toLowerCase();
  const message = fromDuckdbText(info.exception_message ?? raw).replace(/\s+$/, "");
  if (type === "interrupt" || /interrupted/i.test(raw)) {
    return {
      errorClass: "OPERATION_CANCELED",
      sqlState: "HY008",
      displayMessage: "Query was cancelled",
      cancelled: true,
    };
  }
  const [errorClass, sqlState] = classify(type, info.error_subtype ?? "", message);
  const at = statement === undefined ? "" : where(statement.sent, statement.ran, info.position);
  return {
    errorClass,
    sqlState,
    displayMessage: `[${errorClass}] ${message} SQLSTATE: ${sqlState}${at}`,
    cancelled: false,
  };
}

/**
 * Where the problem is, as Databricks says it: ` (line N, pos M)`, N 1-based,
 * M the 0-based character in that line, in the text the client sent (DuckDB
 * reports a byte offset in the text it ran).
 */
function where(sent: string, ran: Rewritten, position: string | undefined): string {
  const byte = Number(position);
  if (position === undefined || !Number.isInteger(byte)) return "";
  const offset = ran.original(Buffer.from(ran.text, "utf8").subarray(0, byte).toString("utf8").length);
  const before = sent.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;
  return ` (line ${line}, pos ${before.length - lineStart})`;
}

function classify(type: string, subtype: string, message: string): [string, string] {
  if (type === "parser") return ["PARSE_SYNTAX_ERROR", "42601"];
  if (subtype === "COLUMN_NOT_FOUND" || /column .* not found/i.test(message)) return ["UNRESOLVED_COLUMN", "42703"];
  if (type === "catalog" && /^(Table|View) with name/i.test(message)) return ["TABLE_OR_VIEW_NOT_FOUND", "42P01"];
  if (type === "catalog" && subtype === "MISSING_ENTRY") return ["TABLE_OR_VIEW_NOT_FOUND", "42P01"];
  if (type === "catalog" || type === "binder") return ["INVALID_STATEMENT", "42000"];
  return [`${type.toUpperCase().replaceAll(" ", "_") || "INTERNAL"}_ERROR`, "42000"];
}

function parseInfo(raw: string): DuckdbErrorInfo {
  const start = raw.indexOf("{");
  if (start < 0) return {};
  try {
    return JSON.parse(raw.slice(start)) as DuckdbErrorInfo;
  } catch {
    return {};
  }
}
