import "server-only";
import { EngineError } from "../types";

/**
 * DuckDB runs with `errors_as_json`, so its messages carry the exception type
 * and the byte position of the problem in the statement. This turns one into
 * an EngineError with a readable message and that position.
 */
export function duckdbError(error: unknown): EngineError {
  const raw = error instanceof Error ? error.message : String(error);
  const start = raw.indexOf("{");
  if (start >= 0) {
    try {
      const info = JSON.parse(raw.slice(start)) as Record<string, string>;
      const type = info.exception_type ?? "Error";
      const message = info.exception_message ?? raw;
      if (type.toUpperCase() === "INTERRUPT") return new EngineError("Query cancelled", { cancelled: true });
      const position = info.position === undefined ? undefined : Number(info.position);
      return new EngineError(`${type} Error: ${message}`, {
        position: Number.isFinite(position) ? position : undefined,
      });
    } catch {
      // Not JSON after all: fall through to the plain message.
    }
  }
  if (/interrupt/i.test(raw)) return new EngineError("Query cancelled", { cancelled: true });
  return new EngineError(raw);
}
