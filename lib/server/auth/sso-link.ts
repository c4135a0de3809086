import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { config, dataDir } from "../config";
import { deriveKey, loadSecretKey } from "../crypto/secret-key";

/**
 * Linking single sign-on to a password account. The member, signed in with
 * their password, enters it again on Account › Single sign-on; the server
 * then sets this short-lived, signed, HttpOnly cookie naming them and the
 * browser starts the OIDC flow. When the issuer sends them back, the sign-in
 * callback takes the cookie (once) and binds the identity to that member
 * instead of matching it by email. Without the cookie an identity whose email
 * belongs to a password account is refused (lib/server/auth/sso.ts).
 */

export const LINK_COOKIE = "lakebook.sso-link";
/** Long enough to sign in at the issuer, short enough that a forgotten tab does not link later. */
const LINK_SECONDS = 10 * 60;

function linkKey(): Buffer {
  return deriveKey(loadSecretKey(dataDir(), config().LAKEBOOK_SECRET_KEY), "sso-link");
}

function mac(payload: string): string {
  return createHmac("sha256", linkKey()).update(payload).digest("base64url");
}

/** The cookie's value for a member: their id, an expiry and a nonce, signed with a key derived from the server's master key. */
export function linkToken(userId: string, now = Date.now()): string {
  const payload = `${Buffer.from(userId).toString("base64url")}.${Math.floor(now / 1000) + LINK_SECONDS}.${randomBytes(9).toString("base64url")}`;
  return `${payload}.${mac(payload)}`;
}

/** The member a token names, or null when it is forged, malformed or expired. */
export function readLinkToken(token: string, now = Date.now()): string | null {
  if (token.length > 512) return null;
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const payload = parts.slice(0, 3).join(".");
  const expected = Buffer.from(mac(payload));
  const given = Buffer.from(parts[3]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (Number(parts[1]) * 1000 < now) return null;
  return Buffer.from(parts[0], "base64url").toString("utf8") || null;
}

/** Sets the cookie for the signed-in member who just confirmed their password (a server action). */
export async function startLink(userId: string): Promise<void> {
  (await cookies()).set(LINK_COOKIE, linkToken(userId), {
    httpOnly: true,
    // Lax: the issuer sends the browser back with a top-level GET, which carries it.
    sameSite: "lax",
    secure: (process.env.NEXTAUTH_URL ?? "").startsWith("https://"),
    path: "/",
    maxAge: LINK_SECONDS,
  });
}

/**
 * In the sign-in callback: the member asking to link, "invalid" when a link
 * cookie is there but not valid, or null when this is a plain sign-in. The
 * cookie is removed either way, so it links once.
 */
export async function takeLink(): Promise<{ userId: string } | "invalid" | null> {
  const jar = await cookies();
  const value = jar.get(LINK_COOKIE)?.value;
  if (value === undefined) return null;
  jar.delete(LINK_COOKIE);
  const userId = readLinkToken(value);
  return userId ? { userId } : "invalid";
}
