/**
 * Email domains for single sign-on sign-up (LAKEBOOK_OIDC_ALLOWED_DOMAINS).
 * Kept to plain ASCII host names: a domain is compared exactly, after
 * lowercasing A–Z only, so that no Unicode case folding or normalisation can
 * make two different addresses look equal.
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lowercases A–Z and nothing else (String#toLowerCase maps e.g. the Kelvin sign U+212A to "k"). */
export function asciiLower(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
  }
  return out;
}

/** True when every character is printable ASCII (space excluded). */
export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
}

/** A valid ASCII domain name (e.g. "example.com"), already lowercased. */
export function isDomainName(domain: string): boolean {
  return domain.length <= 253 && domain.split(".").every((label) => LABEL.test(label));
}

/**
 * Parses the comma-separated list; an empty or unset value is the empty list
 * ("invited only"). Returns the problem for a name that is not a domain.
 */
export function parseAllowedDomains(value: string | undefined): { domains: string[] } | { problem: string } {
  const domains: string[] = [];
  for (const part of (value ?? "").split(",")) {
    const domain = asciiLower(part.trim()).replace(/^@/, "");
    if (!domain) continue;
    if (!isDomainName(domain))
      return { problem: `"${part.trim().slice(0, 80)}" is not an email domain such as example.com` };
    if (!domains.includes(domain)) domains.push(domain);
  }
  return { domains };
}

/** The domain of an email address (after its last "@"), or null when there is none. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  return at > 0 && at < email.length - 1 ? email.slice(at + 1) : null;
}
