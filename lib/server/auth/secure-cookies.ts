import "server-only";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/**
 * Whether the session cookies are `Secure` (sent over https only, and named
 * with the `__Secure-`/`__Host-` prefixes, which browsers enforce):
 *
 * - yes whenever NEXTAUTH_URL starts with https:// (next-auth v4's own rule);
 * - yes in production (NODE_ENV=production, as `npm start` runs) when the
 *   request itself came over https: `X-Forwarded-Proto: https`, which Next.js
 *   fills in from the connection when no proxy set it;
 * - otherwise no: a browser drops a Secure cookie set over plain http (except
 *   on localhost), so forcing it would make sign-in impossible for a server
 *   reached over http, and `next dev` runs over http.
 *
 * A client that lies in X-Forwarded-Proto changes only its own cookies' flags;
 * it cannot make another browser send a cookie over http. Both the sign-in
 * route and every reader of the cookie use this, so they agree on its name.
 */
export function secureCookies(headers: HeaderSource): boolean {
  if (process.env.NEXTAUTH_URL?.startsWith("https://")) return true;
  if (process.env.NODE_ENV !== "production") return false;
  const proto = headers instanceof Headers ? headers.get("x-forwarded-proto") : headers["x-forwarded-proto"];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}
