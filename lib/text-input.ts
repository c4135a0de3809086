/**
 * Whether any string in `value` (nested in objects and arrays) holds a NUL
 * character: PostgreSQL text cannot store one, and DuckDB stops reading SQL
 * at it. One pass, with an explicit stack, whatever the nesting.
 */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (item.includes("\0")) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (item !== null && typeof item === "object") {
      for (const key of Object.keys(item)) {
        if (key.includes("\0")) return true;
        pending.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

export const NUL_MESSAGE =
  "The text contains a NUL character (\\0), which cannot be stored or run. Remove it and try again.";
