/**
 * Why a single sign-on was refused: the code travels in the sign-in page's
 * `?error=` (next-auth redirects there), the text is what people read. Kept
 * apart from the server code so that pages and tests share one wording.
 */
export const SSO_ERRORS = {
  SsoNoEmail: "Your identity provider did not share an email address, which Lakebook needs.",
  SsoEmailUnverified:
    "Your identity provider has not verified the email address of this identity, so Lakebook cannot sign you in with it. Verify the address with your identity provider, then try again.",
  SsoEmailUnsupported:
    "Lakebook accepts single sign-on only for email addresses written in plain ASCII characters. Ask an admin for help.",
  SsoIdentityInvalid:
    "Your identity provider sent an identity Lakebook cannot use (its subject is missing or too long).",
  SsoPasswordAccount:
    "An account with this email address signs in with a password. Sign in with your password, then choose “Single sign-on” at the top right and link it once; after that this button works for you.",
  SsoBoundElsewhere:
    "The account with this email address is linked to a different single sign-on identity. Sign in with that identity, or ask an admin.",
  SsoNotInvited:
    "This single sign-on identity has no Lakebook account and no invitation. Ask an admin to invite your email address, then sign in with single sign-on again.",
  SsoDisabled: "This account is disabled. Ask an admin to enable it.",
  SsoLinkTaken:
    "This single sign-on identity is already linked to another Lakebook account, so it cannot be linked to yours.",
  SsoLinkExpired:
    "The request to link single sign-on has expired or did not come from your account page. Start again from “Single sign-on” at the top right.",
  SsoRetry: "Someone signed in with the same identity at the same moment. Try again.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

/** The text for a code from a URL, or null when it is not one of ours. */
export function ssoErrorText(code: string | undefined): string | null {
  return code && Object.hasOwn(SSO_ERRORS, code) ? SSO_ERRORS[code as SsoErrorCode] : null;
}
