/**
 * Where to go after signing in: only a path of this server. Everything else —
 * another origin in any spelling (`//x`, `/.//x`, `/\x`, `/..//x`, `/%2F%2Fx`,
 * `https://x`, `javascript:`), an unparsable value, or a path that a browser
 * or a second decoding would read as another origin — becomes `/`.
 *
 * The value is parsed the way a browser parses a link (WHATWG URL) against our
 * origin, so tabs, newlines, backslashes and dot segments are resolved exactly
 * as the browser would resolve them; the resulting path is then checked again,
 * because a path that starts with `//` or `/\` is itself a link to another
 * origin. An absolute URL of our own origin maps to its path.
 *
 * Used by the sign-in page, next-auth's `redirect` callback and anything else
 * that takes a callbackUrl; shared by server and browser code.
 */
export function safeCallbackPath(value: unknown, ourOrigin?: string): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_LENGTH) return "/";
  const origin = originOf(ourOrigin) ?? PLACEHOLDER_ORIGIN;
  let url: URL;
  try {
    url = new URL(value, `${origin}/`);
  } catch {
    return "/";
  }
  if (url.origin !== origin || url.username || url.password) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return leadsElsewhere(url.pathname, origin) ? "/" : path;
}

/** Longer callback URLs are not links anyone follows in good faith. */
const MAX_LENGTH = 2048;
/** Stands for "this server" when its public origin is not known; never resolved over the network. */
const PLACEHOLDER_ORIGIN = "http://lakebook.invalid";

function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * A path that is `//…` or `/\…` (a protocol-relative link to another host),
 * or that becomes another origin once percent-decoded and parsed again (say a
 * proxy or a second redirect decodes it). Decoding is repeated a few times at
 * most, because a value may be encoded once per hop that passed it on.
 */
function leadsElsewhere(pathname: string, origin: string): boolean {
  let current = pathname;
  for (let round = 0; round < 4; round++) {
    if (!current.startsWith("/") || current.startsWith("//") || current.startsWith("/\\")) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
      if (decoded === current) return false;
      const reparsed = new URL(decoded, `${origin}/`);
      if (reparsed.origin !== origin) return true;
    } catch {
      return true;
    }
    current = decoded;
  }
  return true;
}

/** The request header in which proxy.ts names the page asked for (path and query), for the way back after sign-in. */
export const PAGE_HEADER = "x-lakebook-page";

/** The sign-in page, returning to `page` (a path of this server) afterwards; the start page needs no return. */
export function signInPath(page: string | null): string {
  if (!page || page === "/" || !page.startsWith("/") || page.length > 2048) return "/signin";
  return `/signin?callbackUrl=${encodeURIComponent(page)}`;
}
