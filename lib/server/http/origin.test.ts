import { afterEach, describe, expect, it } from "vitest";
import { publicOrigin } from "./origin";

const env = process.env as Record<string, string | undefined>;
// Behind our own reverse proxy (the forwarded headers are its, not a client's); origin-untrusted.test.ts without.
env.LAKEBOOK_TRUST_PROXY = "1";
const saved = env.NEXTAUTH_URL;
afterEach(() => {
  // Assigning undefined to process.env would store the text "undefined".
  if (saved === undefined) delete env.NEXTAUTH_URL;
  else env.NEXTAUTH_URL = saved;
});

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe("publicOrigin", () => {
  it("is NEXTAUTH_URL's origin when it is set", () => {
    env.NEXTAUTH_URL = "https://lakebook.example.com/some/path";
    expect(publicOrigin(request("http://10.0.0.5:3000/api/x", { host: "10.0.0.5:3000" }))).toBe(
      "https://lakebook.example.com",
    );
  });

  it("else follows the host and scheme a proxy forwards, and only http or https", () => {
    delete env.NEXTAUTH_URL;
    const url = "http://127.0.0.1:3000/api/x";
    expect(publicOrigin(request(url, { host: "127.0.0.1:3000" }))).toBe("http://127.0.0.1:3000");
    expect(
      publicOrigin(
        request(url, { host: "127.0.0.1:3000", "x-forwarded-host": "data.example.org", "x-forwarded-proto": "https" }),
      ),
    ).toBe("https://data.example.org");
    expect(publicOrigin(request(url, { host: "127.0.0.1:3000", "x-forwarded-proto": "javascript" }))).toBe(
      "http://127.0.0.1:3000",
    );
    expect(publicOrigin(request(url, { "x-forwarded-host": "a b/<x>" }))).toBe("http://127.0.0.1:3000");
  });
});
