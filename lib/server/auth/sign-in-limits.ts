import "server-only";
import { createHash } from "node:crypto";
import RateLimiterMemory from "rate-limiter-flexible/lib/RateLimiterMemory";
import RateLimiterRes from "rate-limiter-flexible/lib/RateLimiterRes";
import { config } from "../config";
import type { Db } from "../db/client";
import { log } from "../log";
import { MetadataRateLimiter } from "./rate-limit-store";

/**
 * Failed sign-ins are limited per account and per client address within a
 * window (LAKEBOOK_SIGNIN_WINDOW_SECONDS, LAKEBOOK_SIGNIN_MAX_FAILURES_*).
 * An attempt takes a point from both counters before the password is checked
 * (so a burst of parallel attempts cannot all slip in before the first
 * failure is counted) and gives it back when the password was right. Beyond
 * the limit the attempt is refused without hashing, with the wait until the
 * window ends. The counters live in the metadata store, shared by every
 * instance; if the store fails, each instance falls back to counting in memory.
 */
export class SignInLimits {
  private readonly account: MetadataRateLimiter;
  private readonly address: MetadataRateLimiter;

  constructor(db: Db, settings: { windowSeconds: number; perAccount: number; perAddress: number }) {
    const limiter = (keyPrefix: string, points: number) =>
      new MetadataRateLimiter(db, {
        keyPrefix,
        points,
        duration: settings.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: settings.windowSeconds }),
      });
    this.account = limiter("signin-account", settings.perAccount);
    this.address = limiter("signin-address", settings.perAddress);
  }

  /**
   * Takes an attempt for `email` from `address`: null when it may go ahead
   * (then call `giveBack` if the password was right, or was never checked), else the seconds to wait.
   */
  async take(email: string, address: string): Promise<number | null> {
    const keys = { account: accountKey(email), address: addressKey(address) };
    try {
      await this.address.consume(keys.address);
    } catch (refusal) {
      return waitOf(refusal);
    }
    try {
      await this.account.consume(keys.account);
    } catch (refusal) {
      // Refused without a password check: not a guess, so the address gets its point back.
      await this.address.reward(keys.address).catch(() => {});
      return waitOf(refusal);
    }
    return null;
  }

  /** Gives back the points of an attempt whose password was right, or that was refused before the check. */
  async giveBack(email: string, address: string): Promise<void> {
    await Promise.all([this.account.reward(accountKey(email)), this.address.reward(addressKey(address))]).catch(
      (error) => log.warn("could not reset the sign-in counters", error),
    );
  }

  /** Gives back the point `takeForAccount` took, when the password was right. */
  async accountSucceeded(email: string): Promise<void> {
    await this.account
      .reward(accountKey(email))
      .catch((error) => log.warn("could not reset the sign-in counter", error));
  }

  /** Takes an attempt at `email`'s password outside sign-in (changing the password): the account's limit applies. */
  async takeForAccount(email: string): Promise<number | null> {
    try {
      await this.account.consume(accountKey(email));
      return null;
    } catch (refusal) {
      return waitOf(refusal);
    }
  }
}

/** Emails are counted lower-case and trimmed, as they are matched; hashed, so the table holds no addresses. */
function accountKey(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
}

function addressKey(address: string): string {
  return createHash("sha256").update(address).digest("base64url");
}

/** Seconds to wait from a refusal; a store error (not a refusal) is rethrown. */
function waitOf(refusal: unknown): number {
  if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
  throw refusal;
}

let shared: { db: Db; limits: SignInLimits } | undefined;

/** This server's limits, on its metadata store, with the configured window and counts. */
export function signInLimits(db: Db): SignInLimits {
  if (shared?.db !== db) {
    const c = config();
    shared = {
      db,
      limits: new SignInLimits(db, {
        windowSeconds: c.LAKEBOOK_SIGNIN_WINDOW_SECONDS,
        perAccount: c.LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ACCOUNT,
        perAddress: c.LAKEBOOK_SIGNIN_MAX_FAILURES_PER_ADDRESS,
      }),
    };
  }
  return shared.limits;
}
