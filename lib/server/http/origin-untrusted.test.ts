import { describe, expect, it } from "vitest";
import { publicOrigin } from "./origin";

delete (process.env as Record<string, string | undefined>).NEXTAUTH_URL;
delete (process.env as Record<string, string | undefined>).LAKEBOOK_TRUST_PROXY;

describe("publicOrigin without a trusted proxy", () => {
  it("ignores forwarded host and scheme, which any client can send", () => {
    const request = new Request("http://127.0.0.1:3000/api/x", {
      headers: { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    });
    expect(publicOrigin(request)).toBe("http://127.0.0.1:3000");
  });
});
