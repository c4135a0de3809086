import "server-only";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
/** One entry of LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS. */
export type Network = [Address, number];

/** Reads a comma-separated list of CIDR ranges (a bare address is its own /32 or /128). */
export function parseNetworks(list: string): Network[] {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): Network => {
      try {
        if (entry.includes("/")) {
          const [address, bits] = ipaddr.parseCIDR(entry);
          const mapped = address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress();
          return mapped && bits >= 96 ? [normalized(address), bits - 96] : [address, bits];
        }
        const address = normalized(ipaddr.parse(entry));
        return [address, address.kind() === "ipv4" ? 32 : 128];
      } catch {
        throw new Error(`"${entry}" is not an address range such as 10.20.0.0/16 or fd00:ab::/48`);
      }
    });
}

/** An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it carries, for every check. */
function normalized(address: Address): Address {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * Why the server will not connect to `address`, or null when it may: only
 * global unicast addresses are reachable by default. Loopback, private,
 * link-local (cloud metadata services live there), unique-local, CGNAT,
 * multicast, broadcast, unspecified, reserved and the IPv6 ranges that embed an
 * IPv4 address (NAT64, 6to4, Teredo) are refused unless a range in `allowed`
 * holds the address.
 */
export function addressRefusal(text: string, allowed: Network[]): string | null {
  let address: Address;
  try {
    address = normalized(ipaddr.parse(text));
  } catch {
    return "not an IP address";
  }
  if (
    allowed.some(
      ([range, bits]) => range.kind() === address.kind() && (address as ipaddr.IPv4).match(range as ipaddr.IPv4, bits),
    )
  )
    return null;
  const range = address.range();
  return range === "unicast" ? null : (RANGE_NAMES[range] ?? `a ${range} address`);
}

const RANGE_NAMES: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private address",
  linkLocal: "a link-local address",
  uniqueLocal: "a unique-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  unspecified: "the unspecified address",
  reserved: "a reserved address",
};
