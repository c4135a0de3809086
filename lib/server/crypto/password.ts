import "server-only";
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { Gate } from "./gate";

/**
 * Password hashing with scrypt, a memory-hard function built into Node, at
 * OWASP's current minimum for scrypt (Password Storage Cheat Sheet):
 * N=2^17, r=8, p=1, i.e. 128 MiB and some 0.2-0.5 s of one core per hash, so
 * guessing on GPUs stays expensive. Stored as `scrypt$N$r$p$salt$hash`, so the
 * cost can be raised later: a hash made with a lower cost is re-made at the
 * member's next successful sign-in (`needsRehash`).
 */
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/**
 * Every scrypt runs behind this gate: two at once (two hashes take 256 MiB and
 * two cores), up to 32 more waiting (some 10 s of work at most), beyond that
 * "busy, try again". Anonymous requests (sign-in, setup, joining, resets)
 * reach hashing, so without it a burst could hold every core and the memory
 * of the server.
 */
export const hashingGate = new Gate(2, 32);

/** Bounds on parameters read from a stored hash, so a damaged row cannot ask for gigabytes. */
function validParameters(n: number, r: number, p: number): boolean {
  return (
    Number.isSafeInteger(n) &&
    n >= 2 ** 10 &&
    n <= 2 ** 20 &&
    (n & (n - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= 16
  );
}

function derive(
  password: string,
  salt: Buffer,
  options: Required<Pick<ScryptOptions, "N" | "r" | "p">>,
): Promise<Buffer> {
  // scrypt needs 128·N·r bytes (plus a little); Node refuses above `maxmem`,
  // whose default (32 MiB) is below the cost above.
  const maxmem = 2 * 128 * options.N * options.r + 1024 * 1024;
  return hashingGate.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

/** A new hash of `password` at the current cost. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, { N, r: R, p: P });
  return ["scrypt", N, R, P, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Whether `password` matches `stored`; false for anything that is not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  const [cost, blockSize, parallel] = [Number(n), Number(r), Number(p)];
  if (scheme !== "scrypt" || !salt || !hash || rest.length > 0 || !validParameters(cost, blockSize, parallel))
    return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), { N: cost, r: blockSize, p: parallel });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True for a hash made at a lower cost than today's: re-hash it once the password is known to be right. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split("$");
  return scheme !== "scrypt" || Number(n) < N || Number(r) < R || Number(p) < P;
}

/**
 * A hash of a random password at the current cost, so that checking an
 * unknown email costs as much as checking a known one.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex")).catch((error) => {
    decoy = undefined;
    throw error;
  });
  return decoy;
}
