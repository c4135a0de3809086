/**
 * What the sign-in page says for an `error` code. next-auth reports a failed
 * sign-in as `?error=<code>` (a credentials `authorize` that throws passes its
 * message as the code), and anyone can put any `?error=` into a link, so only
 * known codes are shown, each with our own text: a link cannot make the page
 * say something of its choosing. Shared by the sign-in page and its form.
 */

import { SSO_ERRORS } from "./sso-errors";

/** Thrown by sign-in when an account or client address has failed too often; carries the wait in seconds. */
export const RATE_LIMITED = "RateLimited";
/** Thrown when the server's password checks are all busy and the queue is full. */
export const BUSY = "Busy";

const MESSAGES: Record<string, string> = {
  ...SSO_ERRORS,
  CredentialsSignin: "That email and password do not match an active account.",
  NoEmail: "Your identity provider did not share an email address, which Lakebook needs.",
  AccessDenied: "This account cannot sign in. Ask an admin to enable it.",
  OAuthSignin: "Single sign-on could not start. Try again, or ask an admin to check its settings.",
  OAuthCallback: "Single sign-on did not complete. Try again.",
  [BUSY]: "The server is busy checking other sign-ins. Try again in a moment.",
};

/** The code a sign-in throws when it must wait: `RateLimited:42`. */
export function rateLimitedCode(waitSeconds: number): string {
  return `${RATE_LIMITED}:${Math.max(1, Math.ceil(waitSeconds))}`;
}

/** The message for a wait of `seconds`. */
export function tooManyAttempts(seconds: number): string {
  return `Too many sign-in attempts. Try again in ${seconds} s.`;
}

/** The message to show for a sign-in error code (unknown codes get a generic one). */
export function signInErrorMessage(code: string): string {
  const [name, wait, ...rest] = code.split(":");
  if (name === RATE_LIMITED && rest.length === 0) {
    const seconds = Number(wait);
    if (Number.isSafeInteger(seconds) && seconds > 0 && seconds <= 86_400) return tooManyAttempts(seconds);
  }
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : "Sign-in failed. Try again.";
}
