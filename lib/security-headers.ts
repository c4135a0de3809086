/**
 * The Content-Security-Policy that keeps a page of Lakebook from being framed
 * or made to run script it did not ship, built per request by proxy.ts (the
 * policy carries a fresh nonce). Headers every response gets whatever it is
 * (nosniff, Referrer-Policy, X-Frame-Options) are in next.config.js.
 */

export interface PolicyOptions {
  /** A fresh, unguessable value for this response: Next.js puts it on every script it renders. */
  nonce: string;
  /** `next dev` only: React rebuilds server error stacks with eval there (never in production). */
  development: boolean;
  /** Served over https: ask for https from then on (HSTS) and upgrade stray http requests. */
  https: boolean;
  /** The single sign-on issuer's origin, if any: the sign-in may be sent on to it. */
  ssoOrigin?: string | null;
}

export function contentSecurityPolicy({ nonce, development, https, ssoOrigin }: PolicyOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // Scripts: only those Next.js renders with this response's nonce, and what they load
    // ('strict-dynamic'); no host list to get around, and no eval in production. Monaco needs none.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // Styles: Monaco writes <style> elements at run time and React renders style attributes,
    // neither of which can carry a nonce. Style cannot run code; script stays locked above.
    "style-src": ["'self'", "'unsafe-inline'"],
    // Markdown images are data: URLs only; charts and downloads use blob: URLs.
    "img-src": ["'self'", "data:", "blob:"],
    // Monaco's icon font is bundled with its CSS.
    "font-src": ["'self'", "data:"],
    // Monaco's language worker is a module from this server.
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    // A sign-in form may be answered with a redirect to the identity provider.
    "form-action": ["'self'", ...(ssoOrigin ? [ssoOrigin] : [])],
    // No other site may frame a page (clickjacking of admin buttons).
    "frame-ancestors": ["'none'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  if (https) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

/** Two years, with subdomains: the value browsers' preload lists ask for. Sent only over https. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** The origin of an issuer URL, or null when it is not one. */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
