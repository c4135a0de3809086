import "server-only";
import { UserError } from "@/lib/action-result";

/** A body over its limit: HTTP 413, with a message for the person who sent it. */
export class BodyTooLarge extends UserError {
  readonly status = 413;
}

/**
 * A request body as text, read as it arrives and never past `maxBytes`: a
 * declared length over the limit is refused before reading, and a body that
 * grows past it (no length, or a false one) is cancelled at the limit. The
 * message comes from `tooLarge`, given the size when it is known.
 */
export async function readTextBody(
  request: Request,
  maxBytes: number,
  tooLarge: (bytes?: number) => string,
): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw new BodyTooLarge(tooLarge(declared));
  if (!request.body) return "";
  const decoder = new TextDecoder("utf-8");
  const parts: string[] = [];
  let bytes = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new BodyTooLarge(tooLarge());
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  parts.push(decoder.decode());
  return parts.join("");
}
