import "server-only";
import { isIP } from "node:net";

/**
 * A warehouse host as every HTTP client will read it: parsed by the WHATWG URL
 * parser (the one Node's HTTP clients use), so `2130706433`, `0x7f.1` and
 * `127.1` all become `127.0.0.1`, letters are lower-cased and international
 * names become their ASCII (punycode) form. A trailing dot is dropped. Null when
 * the text is not a bare host name (a port, a path, credentials, an empty
 * or over-long label).
 */
export function canonicalHost(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > 300 || /[\s/\\?#@]/.test(trimmed)) return null;
  // A port belongs in its own field (and the URL parser would drop ":443" silently).
  if (!trimmed.startsWith("[") && trimmed.includes(":")) return null;
  let url: URL;
  try {
    url = new URL(`https://${trimmed}/`);
  } catch {
    return null;
  }
  if (url.port || url.username || url.password) return null;
  const host = url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname;
  if (!host) return null;
  if (host.startsWith("[")) return host;
  if (isIP(host)) return host;
  // DNS: at most 253 characters, labels of 1 to 63.
  if (host.length > 253 || host.split(".").some((label) => label === "" || label.length > 63)) return null;
  return host;
}

/**
 * One entry of LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: an exact host, or `*.` and a
 * suffix, which matches hosts with one or more labels before the suffix's
 * labels — never the suffix itself, never `evilcloud.databricks.com` for
 * `*.cloud.databricks.com` (labels are compared, not strings).
 */
export interface HostPattern {
  text: string;
  labels: string[];
  wildcard: boolean;
}

/** Reads a comma-separated list of host patterns; throws with the entry that is not one. */
export function parseHostPatterns(list: string): HostPattern[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const wildcard = entry.startsWith("*.");
      const host = canonicalHost(wildcard ? entry.slice(2) : entry);
      if (!host || host.includes("*")) throw new Error(`"${entry}" is not a host name or "*." and a domain`);
      return { text: entry, labels: labelsOf(host), wildcard };
    });
}

/** Whether a canonical host (see canonicalHost) is one the patterns allow. */
export function hostAllowed(host: string, patterns: HostPattern[]): boolean {
  const labels = labelsOf(host);
  return patterns.some((pattern) => {
    if (!pattern.wildcard) return sameLabels(labels, pattern.labels);
    if (labels.length <= pattern.labels.length) return false;
    return sameLabels(labels.slice(labels.length - pattern.labels.length), pattern.labels);
  });
}

function labelsOf(host: string): string[] {
  return host.startsWith("[") || isIP(host) ? [host] : host.split(".");
}

function sameLabels(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

/** LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: ports and ranges (`443,8443,10000-10100`), or `*` for any. */
export type PortRanges = [number, number][];

export function parsePorts(list: string): PortRanges {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): [number, number] => {
      if (entry === "*") return [1, 65535];
      const [from, to = from] = entry.split("-").map((part) => part.trim());
      const low = Number(from);
      const high = Number(to);
      const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
      if (!/^\d+$/.test(from) || !/^\d+$/.test(to) || !valid(low) || !valid(high) || low > high)
        throw new Error(`"${entry}" is not a port, a range such as 8000-8100, or *`);
      return [low, high];
    });
}

export function portAllowed(port: number, ranges: PortRanges): boolean {
  return ranges.some(([low, high]) => port >= low && port <= high);
}
