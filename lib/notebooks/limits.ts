import { formatByteSize } from "@/lib/byte-size";

/**
 * How large a notebook may be, in a module of its own so that the browser can
 * check a file before sending it without loading the schemas (zod).
 */

export const MAX_CELLS = 500;
/** The whole notebook's text, so one save stays a sane size. */
export const MAX_NOTEBOOK_CHARS = 8 * 1024 * 1024;

/**
 * The largest notebook file an import reads. A file may be larger than the
 * notebook it makes (JSON quoting, outputs), within reason: the browser
 * refuses a larger file before sending it, and the server stops reading a
 * body past this many bytes.
 */
export const MAX_IMPORT_BYTES = MAX_NOTEBOOK_CHARS * 2;

/** What a person reads when their file is over the limit; its size when known. */
export function fileTooLarge(bytes?: number): string {
  const size = bytes === undefined ? "larger than" : `${formatByteSize(bytes)}, over`;
  return `The file is ${size} the import limit of ${formatByteSize(MAX_IMPORT_BYTES)}. Split it into several notebooks to import it.`;
}
