import "server-only";
import { config } from "../config";

/**
 * This server's origin as the member's browser reaches it, for URLs written
 * into files they take elsewhere (a notebook's connect cell): NEXTAUTH_URL
 * when set (the configured public address), else the request's own host and
 * scheme, as our reverse proxy forwards them (with LAKEBOOK_TRUST_PROXY=1).
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
  // Forwarded headers are a client's claims unless our own proxy sets them (LAKEBOOK_TRUST_PROXY).
  const trusted = config().LAKEBOOK_TRUST_PROXY;
  const forwarded = (name: string) => (trusted ? request.headers.get(name)?.split(",")[0]?.trim() : undefined);
  const host = forwarded("x-forwarded-host") || request.headers.get("host");
  const proto = forwarded("x-forwarded-proto")?.toLowerCase();
  const scheme = proto === "https" || proto === "http" ? proto : url.protocol.replace(/:$/, "");
  try {
    return host ? new URL(`${scheme}://${host}`).origin : url.origin;
  } catch {
    return url.origin;
  }
}

/**
 * The public origin for a page (which has headers, not a Request): as
 * `publicOrigin` decides it, from the scheme Next.js recorded in
 * X-Forwarded-Proto and the Host header.
 */
export async function pageOrigin(): Promise<string> {
  const { headers } = await import("next/headers");
  const all = await headers();
  const scheme = all.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  try {
    return publicOrigin(new Request(`${scheme}://${all.get("host") ?? "localhost"}/`, { headers: all }));
  } catch {
    return publicOrigin(new Request("http://localhost/"));
  }
}
