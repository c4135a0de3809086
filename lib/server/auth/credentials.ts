import "server-only";
import { UserError } from "@/lib/action-result";
import { BUSY, rateLimitedCode } from "@/lib/auth/sign-in-errors";
import { containsNul } from "@/lib/text-input";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "../crypto/password";
import type { Db } from "../db/client";
import { findUserByEmail, replacePasswordHash } from "../db/queries/users";
import type { User } from "../db/schema";
import { log } from "../log";
import { signInLimits } from "./sign-in-limits";

/** Longest email and password a sign-in reads; longer ones are refused before any work. */
const MAX_EMAIL = 320;
const MAX_PASSWORD = 1024;

/**
 * A sign-in that must wait: next-auth passes the message of an error thrown
 * by `authorize` to the sign-in page as `?error=`, where it becomes
 * "Too many sign-in attempts. Try again in N s." (lib/auth/sign-in-errors.ts).
 */
export class SignInRefused extends Error {}

/**
 * Checks an email and password for the credentials sign-in. In order: cheap
 * checks of the input; the rate limits (refused without hashing, see
 * sign-in-limits.ts); the password, with the same scrypt work whether or not
 * the account exists; then, for the right password, the counters are given
 * back and a hash made at an older cost is re-made at today's. Returns the
 * member, or null for a wrong email or password or a disabled account.
 * Throws SignInRefused when the limits or a busy server refuse.
 */
export async function checkCredentials(
  db: Db,
  input: { email: unknown; password: unknown; address: string },
): Promise<User | null> {
  const email = typeof input.email === "string" ? input.email.trim() : "";
  const password = typeof input.password === "string" ? input.password : "";
  if (!email || !password || email.length > MAX_EMAIL || password.length > MAX_PASSWORD) return null;
  if (containsNul([email, password])) return null;

  const limits = signInLimits(db);
  const wait = await limits.take(email, input.address);
  if (wait !== null) throw new SignInRefused(rateLimitedCode(wait));

  const user = await findUserByEmail(db, email);
  let ok: boolean;
  try {
    // Same work whether or not the account exists, so timing does not tell.
    ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  } catch (error) {
    // Not a guess: the attempt gets its points back, so a flood cannot lock others out this way.
    await limits.giveBack(email, input.address);
    if (UserError.is(error)) throw new SignInRefused(BUSY);
    throw error;
  }
  if (!user?.passwordHash || !ok) return null;
  await limits.giveBack(email, input.address);
  if (user.disabled) return null;
  if (needsRehash(user.passwordHash)) await upgradeHash(db, user.id, user.passwordHash, password);
  return user;
}

/** Re-hashes a password at today's cost; a failure is logged, and the old hash keeps working. */
async function upgradeHash(db: Db, userId: string, old: string, password: string): Promise<void> {
  try {
    if (await replacePasswordHash(db, userId, old, await hashPassword(password)))
      log.info("upgraded a password hash to the current cost", { userId });
  } catch (error) {
    log.warn("could not upgrade a password hash", error);
  }
}
