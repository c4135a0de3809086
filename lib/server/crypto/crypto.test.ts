import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";
import { open, seal } from "./seal";
import { deriveKey, loadSecretKey } from "./secret-key";

const key = Buffer.alloc(32, 7);

describe("sealed secrets", () => {
  it("round-trips and never contains the plaintext", () => {
    const secret = "dapi0123456789abcdef-canary";
    const sealed = seal(key, secret, "connection:1");
    expect(sealed).not.toContain(secret);
    expect(sealed).toMatch(/^v1\./);
    expect(open(key, sealed, "connection:1")).toBe(secret);
  });

  it("uses a fresh nonce each time", () => {
    expect(seal(key, "same", "c")).not.toBe(seal(key, "same", "c"));
  });

  it("refuses another context, another key, or a tampered value", () => {
    const sealed = seal(key, "secret", "connection:1");
    expect(() => open(key, sealed, "connection:2")).toThrow();
    expect(() => open(Buffer.alloc(32, 8), sealed, "connection:1")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => open(key, parts.join("."), "connection:1")).toThrow();
    expect(() => open(key, "plain text", "connection:1")).toThrow(/Not a sealed secret/);
  });
});

describe("the master key", () => {
  it("is generated once into the data directory, readable by the owner only", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-key-"));
    const first = loadSecretKey(dir, undefined);
    const second = loadSecretKey(dir, undefined);
    expect(first.equals(second)).toBe(true);
    expect(first).toHaveLength(32);
    expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
  });

  it("comes from LAKEBOOK_SECRET_KEY when set, as hex or base64, and must be 32 bytes", () => {
    const hex = "ab".repeat(32);
    expect(loadSecretKey("/nonexistent", hex).toString("hex")).toBe(hex);
    expect(loadSecretKey("/nonexistent", Buffer.alloc(32, 1).toString("base64"))).toEqual(Buffer.alloc(32, 1));
    expect(() => loadSecretKey("/nonexistent", "too short but long enough text!!")).toThrow(/32 bytes/);
  });

  it("derives a different key per purpose", () => {
    expect(deriveKey(key, "a").equals(deriveKey(key, "b"))).toBe(false);
    expect(deriveKey(key, "a").equals(deriveKey(key, "a"))).toBe(true);
  });
});

describe("passwords", () => {
  it("are stored as salted scrypt hashes that verify", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("reject malformed stored values", async () => {
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });
});
