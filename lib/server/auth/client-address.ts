import "server-only";
import ipaddr from "ipaddr.js";
import { config } from "../config";

/**
 * The header through which the server learns the address of a request's
 * connection. Next.js does not hand route handlers the socket, so
 * instrumentation.ts subscribes to Node's `http.server.request.start`
 * diagnostics channel and writes the socket's address here, replacing
 * whatever a client sent under this name, before Next.js sees the request.
 */
export const CLIENT_ADDRESS_HEADER = "x-lakebook-client-address";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | undefined {
  if (source instanceof Headers) return source.get(name) ?? undefined;
  const value = source[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Who is asking, for rate limits: with LAKEBOOK_TRUST_PROXY=1 the last
 * address in X-Forwarded-For (the one our reverse proxy appended; the ones
 * before it are the client's own claims), else the connection's address.
 * IPv6 clients are counted by their /64 network, since one machine usually
 * holds a whole /64; IPv4-mapped IPv6 addresses count as their IPv4 address.
 * "unknown" when neither is available (all such requests share one count).
 */
export function clientAddress(headers: HeaderSource): string {
  const forwarded = config().LAKEBOOK_TRUST_PROXY
    ? header(headers, "x-forwarded-for")?.split(",").at(-1)?.trim()
    : undefined;
  return normalize(forwarded) ?? normalize(header(headers, CLIENT_ADDRESS_HEADER)) ?? "unknown";
}

function normalize(text: string | undefined): string | null {
  if (!text || text.length > 100 || !ipaddr.isValid(text)) return null;
  const address = ipaddr.process(text);
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
