const NEWLINE = 0x0a;
const SEPARATOR = new TextEncoder().encode(",\n");

/**
 * Newline-delimited JSON (one record a line, as DuckDB's JSON writer writes
 * it; newlines inside values are escaped) turned into a JSON array as it
 * streams: `[`, the records separated by commas, `]`. Constant memory: each
 * chunk is copied once, whatever the chunking; a line end is held back until
 * the next record shows there is one.
 */
export function jsonArrayOfLines(): {
  head: Uint8Array;
  transform(chunk: Uint8Array): Uint8Array;
  tail(): Uint8Array;
} {
  let held = false;
  return {
    head: new TextEncoder().encode("[\n"),
    transform(chunk) {
      const parts: Uint8Array[] = [];
      let size = 0;
      const push = (part: Uint8Array) => {
        if (part.byteLength === 0) return;
        parts.push(part);
        size += part.byteLength;
      };
      let start = 0;
      while (start < chunk.byteLength) {
        const end = chunk.indexOf(NEWLINE, start);
        const stop = end === -1 ? chunk.byteLength : end;
        if (stop > start) {
          if (held) push(SEPARATOR);
          held = false;
          push(chunk.subarray(start, stop));
        }
        if (end === -1) break;
        held = true;
        start = end + 1;
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.byteLength;
      }
      return out;
    },
    tail: () => new TextEncoder().encode("\n]\n"),
  };
}
