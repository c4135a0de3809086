import { afterEach, describe, expect, it } from "vitest";
import { secureCookies } from "./secure-cookies";

const saved = { url: process.env.NEXTAUTH_URL, env: process.env.NODE_ENV };
const env = process.env as Record<string, string | undefined>;
afterEach(() => {
  env.NEXTAUTH_URL = saved.url;
  env.NODE_ENV = saved.env;
});

describe("secureCookies", () => {
  it("is on whenever NEXTAUTH_URL is https", () => {
    env.NEXTAUTH_URL = "https://lakebook.example.com";
    env.NODE_ENV = "development";
    expect(secureCookies({})).toBe(true);
  });

  it("is on in production for a request that came over https", () => {
    env.NEXTAUTH_URL = "http://lakebook.internal";
    env.NODE_ENV = "production";
    expect(secureCookies({ "x-forwarded-proto": "https" })).toBe(true);
    expect(secureCookies(new Headers({ "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
    expect(secureCookies({ "x-forwarded-proto": "http" })).toBe(false);
    expect(secureCookies({})).toBe(false);
  });

  it("is off outside production over http, where browsers would drop Secure cookies", () => {
    env.NEXTAUTH_URL = "http://127.0.0.1:3000";
    env.NODE_ENV = "development";
    expect(secureCookies({ "x-forwarded-proto": "https" })).toBe(false);
  });
});
