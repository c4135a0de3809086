import "server-only";

/**
 * Whether a request was sent by a page of this server: the browser's own
 * `Sec-Fetch-Site` when it sends one, else the `Origin` header against the
 * host. A request with neither did not come from a browser, so no other site
 * can have made a viewer's browser send it.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
