import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/server/auth/client-address";
import { installClientAddressHook } from "@/lib/server/auth/client-address-hook";

/**
 * The client address that sign-in limits count by, with LAKEBOOK_TRUST_PROXY
 * unset: the connection's own address, whatever the request's headers claim.
 */
installClientAddressHook();
const server = http.createServer((request, response) => {
  response.end(
    JSON.stringify({ seen: request.headers[CLIENT_ADDRESS_HEADER], address: clientAddress(request.headers) }),
  );
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function ask(headers: Record<string, string>) {
  return (await (await fetch(`http://127.0.0.1:${port}/`, { headers })).json()) as { seen: string; address: string };
}

describe("client address", () => {
  it("is the connection's address, not what the client claims", async () => {
    expect(await ask({})).toEqual({ seen: "127.0.0.1", address: "127.0.0.1" });
    expect(
      await ask({ [CLIENT_ADDRESS_HEADER]: "203.0.113.9", "x-forwarded-for": "198.51.100.1", "x-real-ip": "10.0.0.1" }),
    ).toEqual({ seen: "127.0.0.1", address: "127.0.0.1" });
  });

  it("normalizes spellings of one address, and counts IPv6 clients by their /64", () => {
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "::ffff:192.0.2.1" })).toBe("192.0.2.1");
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "2001:db8:1:2:aaaa::1" })).toBe("2001:db8:1:2::/64");
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "2001:db8:1:2:ffff::9" })).toBe("2001:db8:1:2::/64");
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "not an address" })).toBe("unknown");
    expect(clientAddress({ [CLIENT_ADDRESS_HEADER]: "1".repeat(1024 * 1024) })).toBe("unknown");
    expect(clientAddress({})).toBe("unknown");
    // Without LAKEBOOK_TRUST_PROXY, X-Forwarded-For is ignored.
    expect(clientAddress({ "x-forwarded-for": "198.51.100.1", [CLIENT_ADDRESS_HEADER]: "192.0.2.1" })).toBe(
      "192.0.2.1",
    );
  });
});
