import "server-only";

/**
 * This server's origin as the member's browser reaches it, for URLs written
 * into files they take elsewhere (a notebook's connect cell): NEXTAUTH_URL
 * when set (the configured public address), else the request's own host and
 * scheme, as a proxy forwards them.
 */
export function publicOrigin(request: Request): string {
  const configured = process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // Fall through to the request's own origin.
    }
  }
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  const scheme = proto === "https" || proto === "http" ? proto : url.protocol.replace(/:$/, "");
  try {
    return host ? new URL(`${scheme}://${host}`).origin : url.origin;
  } catch {
    return url.origin;
  }
}
