import { describe, expect, it } from "vitest";

/** With LAKEBOOK_TRUST_PROXY=1, the address our one reverse proxy appended to X-Forwarded-For counts. */
process.env.LAKEBOOK_TRUST_PROXY = "1";
const { CLIENT_ADDRESS_HEADER, clientAddress } = await import("@/lib/server/auth/client-address");

describe("client address behind a trusted proxy", () => {
  it("is the last address of X-Forwarded-For; the ones before it are the client's own claims", () => {
    expect(clientAddress({ "x-forwarded-for": "198.51.100.1", [CLIENT_ADDRESS_HEADER]: "10.0.0.2" })).toBe(
      "198.51.100.1",
    );
    expect(clientAddress({ "x-forwarded-for": "6.6.6.6, 198.51.100.1", [CLIENT_ADDRESS_HEADER]: "10.0.0.2" })).toBe(
      "198.51.100.1",
    );
    expect(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6,198.51.100.3" }))).toBe("198.51.100.3");
  });

  it("falls back to the connection when the header is missing or not an address", () => {
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2" })).toBe("10.0.0.2");
    expect(clientAddress({ "x-forwarded-for": "garbage", [CLIENT_ADDRESS_HEADER]: "10.0.0.2" })).toBe("10.0.0.2");
  });
});
