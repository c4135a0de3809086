import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, originOf } from "./security-headers";

const directives = (policy: string) =>
  Object.fromEntries(
    policy.split("; ").map((d) => {
      const [name, ...values] = d.split(" ");
      return [name, values];
    }),
  );

describe("the content security policy", () => {
  const production = directives(contentSecurityPolicy({ nonce: "abc123", development: false, https: false }));

  it("runs only scripts carrying this response's nonce, never eval in production", () => {
    expect(production["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(production["script-src"]).not.toContain("'unsafe-inline'");
    expect(production["default-src"]).toEqual(["'self'"]);
    expect(production["object-src"]).toEqual(["'none'"]);
    expect(production["base-uri"]).toEqual(["'self'"]);
  });

  it("cannot be framed and sends forms only home (and to the sign-on issuer when there is one)", () => {
    expect(production["frame-ancestors"]).toEqual(["'none'"]);
    expect(production["form-action"]).toEqual(["'self'"]);
    const sso = directives(
      contentSecurityPolicy({ nonce: "n", development: false, https: false, ssoOrigin: "https://id.example.com" }),
    );
    expect(sso["form-action"]).toEqual(["'self'", "https://id.example.com"]);
  });

  it("allows eval only under next dev, and upgrades requests only over https", () => {
    expect(directives(contentSecurityPolicy({ nonce: "n", development: true, https: false }))["script-src"]).toContain(
      "'unsafe-eval'",
    );
    expect(production["upgrade-insecure-requests"]).toBeUndefined();
    expect(
      directives(contentSecurityPolicy({ nonce: "n", development: false, https: true }))["upgrade-insecure-requests"],
    ).toEqual([]);
  });

  it("takes an issuer's origin only from an http(s) URL", () => {
    expect(originOf("https://id.example.com/realms/x/")).toBe("https://id.example.com");
    expect(originOf("http://127.0.0.1:9000")).toBe("http://127.0.0.1:9000");
    expect(originOf("javascript:alert(1)")).toBeNull();
    expect(originOf("not a url; script-src *")).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});
