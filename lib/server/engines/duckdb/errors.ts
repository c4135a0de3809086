import "server-only";
import { log } from "../../log";
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

/**
 * Whether DuckDB ran out of memory: under its memory limit, statements that
 * run at once share it, and one may fail where it alone would fit.
 */
export function isDuckDBOutOfMemory(error: unknown): boolean {
  const raw = error instanceof Error ? error.message : String(error);
  return errorInfo(raw)?.exception_type === "Out of Memory";
}

/** Waits before a statement that ran out of memory runs again, while the statements beside it end. */
const OUT_OF_MEMORY_WAITS_MS = [100, 500, 2000];

/**
 * `work`, run again after a wait each time DuckDB runs out of memory, at most
 * once per wait: for statements that must not fail because others held the
 * memory at that moment (the segments of a download, written two at a time).
 * Any other error, or the last one, is thrown.
 */
export async function retryOutOfMemory<T>(
  work: () => Promise<T>,
  waits: readonly number[] = OUT_OF_MEMORY_WAITS_MS,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= waits.length || !isDuckDBOutOfMemory(error)) throw error;
      log.warn(`the result store ran out of memory; running the statement again in ${waits[attempt]} ms`);
      await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
    }
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
