import "server-only";
import { EngineError } from "../types";

/**
 * DuckDB runs with `errors_as_json`, so its messages carry the exception type
 * and the position of the problem in the statement. This turns one into an
 * EngineError with a readable message and that position as a byte offset.
 * DuckDB counts a parser error's position in characters (code points) and a
 * binder's in bytes: given the `text` it read, a parser error's position is
 * turned into bytes too.
 */
export function duckdbError(error: unknown, text?: string): EngineError {
  const raw = error instanceof Error ? error.message : String(error);
  const info = errorInfo(raw);
  if (info) {
    const type = info.exception_type ?? "Error";
    const message = info.exception_message ?? raw;
    if (type.toUpperCase() === "INTERRUPT") return new EngineError("Query cancelled", { cancelled: true });
    let position = info.position === undefined ? undefined : Number(info.position);
    if (position !== undefined && type === "Parser" && text !== undefined) position = bytesOfCharacters(text, position);
    return new EngineError(`${type} Error: ${message}`, {
      position: Number.isFinite(position) ? position : undefined,
    });
  }
  if (/interrupt/i.test(raw)) return new EngineError("Query cancelled", { cancelled: true });
  return new EngineError(raw);
}

/** The fields of a DuckDB error's JSON message (`errors_as_json`), or null when it is not one. */
function errorInfo(raw: string): Record<string, string> | null {
  const start = raw.indexOf("{");
  if (start < 0) return null;
  try {
    const info: unknown = JSON.parse(raw.slice(start));
    return info && typeof info === "object" ? (info as Record<string, string>) : null;
  } catch {
    return null; // Not JSON after all: the plain message.
  }
}

/** The UTF-8 length of the first `count` code points of `text`. */
function bytesOfCharacters(text: string, count: number): number {
  let bytes = 0;
  let seen = 0;
  for (let i = 0; i < text.length && seen < count; i++, seen++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
