import "server-only";
import { asciiLower, emailDomain, isPrintableAscii } from "@/lib/auth/email-domains";
import type { SsoErrorCode } from "@/lib/auth/sso-errors";
import type { Db } from "../db/client";
import { bindIdentity, findIdentity, identitiesOf, touchIdentity } from "../db/queries/identities";
import { acceptInvitation, findOpenInvitationForEmail } from "../db/queries/invitations";
import { findUser, findUserByEmail, insertUser, lockUser } from "../db/queries/users";
import type { User } from "../db/schema";

/**
 * Single sign-on: which Lakebook account an OpenID Connect identity signs in
 * as, or why it may not. The rules (docs/ARCHITECTURE.md, "Single sign-on"):
 *
 * - An identity is its issuer and subject. Once bound to an account it signs
 *   in as that account whatever its email claim says; the email claim is
 *   never used to find an account that already has a binding.
 * - The email must be verified by the issuer (`email_verified: true`).
 * - An unbound identity never takes over a password account: its owner links
 *   single sign-on once, signed in with the password (lib/server/auth/sso-link.ts).
 * - An account from before bindings existed (no password, no binding) is
 *   bound by its verified email at its next sign-in.
 * - Anyone else joins only with an open invitation for the verified email
 *   (whose role they get), or with an email domain an admin allowed
 *   (LAKEBOOK_OIDC_ALLOWED_DOMAINS); with no domains listed, invited only.
 * - Disabled members are refused.
 */

/** What the issuer told us about the person signing in. */
export interface SsoIdentity {
  /** The configured issuer, never a claim (a claim could name any issuer). */
  issuer: string;
  /** The `sub` of the verified ID token. */
  subject: string;
  email: string | null;
  /** Only a boolean `true` counts as verified. */
  emailVerified: boolean;
  name: string | null;
}

/** Who may join by single sign-on without an account: email domains; none means invited only. */
export interface SsoPolicy {
  allowedDomains: readonly string[];
}

export type SsoOutcome = "bound" | "linked" | "bound-by-email" | "joined-by-invitation" | "joined-by-domain";

/** The account to sign in as, and how it was found; or the reason for refusing. */
export type SsoDecision = { ok: true; user: User; outcome: SsoOutcome } | { ok: false; code: SsoErrorCode };

/** OpenID Connect Core limits `sub` to 255 ASCII characters. */
export const MAX_SUBJECT_LENGTH = 255;
const MAX_EMAIL_LENGTH = 320;
const MAX_NAME_LENGTH = 200;

/** Someone else changed the same rows at the same moment: look again from the start. */
class Race extends Error {}

/**
 * Turns the claims the OIDC provider hands over (lib/server/auth/oidc.ts puts
 * the verified ID token's `sub` there) into an identity of the given issuer.
 */
export function identityFromClaims(claims: Record<string, unknown>, issuer: string): SsoIdentity {
  return {
    issuer,
    subject: typeof claims.sub === "string" ? claims.sub : "",
    email: typeof claims.email === "string" ? claims.email.trim() : null,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === "string" ? claims.name : null,
  };
}

/**
 * Decides a single sign-on. With `linkUserId` (a member signed in with their
 * password asked to link single sign-on, lib/server/auth/sso-link.ts) an
 * unbound identity is bound to that member instead of being matched.
 */
export async function decideSsoSignIn(
  db: Db,
  identity: SsoIdentity,
  policy: SsoPolicy,
  options: { linkUserId?: string } = {},
): Promise<SsoDecision> {
  const trimmed = { ...identity, email: identity.email?.trim() || null };
  const problem = identityProblem(trimmed);
  if (problem) return { ok: false, code: problem };
  const email = asciiLower(trimmed.email ?? "");
  for (let attempt = 0; ; attempt++) {
    try {
      return await decideOnce(db, trimmed, email, policy, options.linkUserId);
    } catch (error) {
      const raced = error instanceof Race || isUniqueViolation(error);
      if (!raced) throw error;
      if (attempt >= 1) return { ok: false, code: "SsoRetry" };
    }
  }
}

function identityProblem(identity: SsoIdentity): SsoErrorCode | null {
  const { subject, email } = identity;
  if (!subject || subject.length > MAX_SUBJECT_LENGTH || !isPrintableAscii(subject)) return "SsoIdentityInvalid";
  if (!email) return "SsoNoEmail";
  if (!identity.emailVerified) return "SsoEmailUnverified";
  // Unicode addresses are refused rather than compared: case folding maps
  // some characters onto ASCII letters (the Kelvin sign onto "k"), which would
  // let a lookalike address match someone else's account or invitation.
  if (email.length > MAX_EMAIL_LENGTH || !isPrintableAscii(email) || !emailDomain(email)) return "SsoEmailUnsupported";
  return null;
}

async function decideOnce(
  db: Db,
  identity: SsoIdentity,
  email: string,
  policy: SsoPolicy,
  linkUserId: string | undefined,
): Promise<SsoDecision> {
  const { issuer, subject } = identity;
  const bound = await findIdentity(db, issuer, subject);
  if (bound) {
    if (linkUserId && bound.userId !== linkUserId) return { ok: false, code: "SsoLinkTaken" };
    const user = await findUser(db, bound.userId);
    if (!user) throw new Race();
    if (user.disabled) return { ok: false, code: "SsoDisabled" };
    await touchIdentity(db, issuer, subject, email);
    return { ok: true, user, outcome: "bound" };
  }

  if (linkUserId) {
    const user = await findUser(db, linkUserId);
    if (!user) return { ok: false, code: "SsoLinkExpired" };
    if (user.disabled) return { ok: false, code: "SsoDisabled" };
    if (!(await bindIdentity(db, { issuer, subject, userId: user.id, email }))) throw new Race();
    return { ok: true, user, outcome: "linked" };
  }

  const existing = await findUserByEmail(db, email);
  if (existing) {
    if (existing.disabled) return { ok: false, code: "SsoDisabled" };
    if (existing.passwordHash) return { ok: false, code: "SsoPasswordAccount" };
    return bindByEmail(db, existing.id, identity, email);
  }

  const invitation = await findOpenInvitationForEmail(db, email);
  if (invitation) {
    const user = await db.transaction(async (tx) => {
      if (!(await acceptInvitation(tx, invitation.tokenHash))) throw new Race();
      const created = await insertUser(tx, {
        email: invitation.email,
        name: displayName(identity, email),
        passwordHash: null,
        role: invitation.role,
      });
      if (!(await bindIdentity(tx, { issuer, subject, userId: created.id, email }))) throw new Race();
      return created;
    });
    return { ok: true, user, outcome: "joined-by-invitation" };
  }

  const domain = emailDomain(email);
  if (domain && policy.allowedDomains.includes(domain)) {
    const user = await db.transaction(async (tx) => {
      const created = await insertUser(tx, {
        email,
        name: displayName(identity, email),
        passwordHash: null,
        role: "member",
      });
      if (!(await bindIdentity(tx, { issuer, subject, userId: created.id, email }))) throw new Race();
      return created;
    });
    return { ok: true, user, outcome: "joined-by-domain" };
  }
  return { ok: false, code: "SsoNotInvited" };
}

/**
 * An account from before bindings existed (single sign-on only, no password):
 * its first identity with the verified email is bound to it; once it has one,
 * no other identity is, whatever its email.
 */
async function bindByEmail(db: Db, userId: string, identity: SsoIdentity, email: string): Promise<SsoDecision> {
  return db.transaction(async (tx) => {
    // The row lock makes two first sign-ins of different identities take turns.
    const user = await lockUser(tx, userId);
    if (!user) throw new Race();
    if (user.disabled) return { ok: false, code: "SsoDisabled" } as const;
    if (user.passwordHash) return { ok: false, code: "SsoPasswordAccount" } as const;
    const bound = await identitiesOf(tx, user.id);
    // The same identity's parallel sign-in may have bound it a moment ago.
    if (bound.some((i) => i.issuer === identity.issuer && i.subject === identity.subject)) {
      return { ok: true, user, outcome: "bound" } as const;
    }
    if (bound.length > 0) return { ok: false, code: "SsoBoundElsewhere" } as const;
    if (!(await bindIdentity(tx, { issuer: identity.issuer, subject: identity.subject, userId: user.id, email }))) {
      throw new Race();
    }
    return { ok: true, user, outcome: "bound-by-email" } as const;
  });
}

/** The issuer's name for the person, without control characters and not too long; else the email. */
function displayName(identity: SsoIdentity, email: string): string {
  let name = "";
  for (const ch of identity.name ?? "") {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && !(code >= 0x7f && code < 0xa0)) name += ch;
  }
  name = name.trim();
  return name ? [...name].slice(0, MAX_NAME_LENGTH).join("") : email;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
