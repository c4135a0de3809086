import "server-only";
import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { config } from "../config";
import { addressRefusal, type Network } from "./addresses";
import { canonicalHost, type HostPattern, hostAllowed, type PortRanges, portAllowed } from "./hosts";

/**
 * Where the server may open a connection to a warehouse. Members type host
 * names and ports; without this the server would connect anywhere it can
 * reach — its own loopback, the private network, a cloud metadata service —
 * and report what it found. Admins widen it through the environment only.
 */
export interface WarehousePolicy {
  hosts: HostPattern[];
  ports: PortRanges;
  networks: Network[];
}

/** The policy the environment sets (LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS, _PORTS, _NETWORKS). */
export function warehousePolicy(): WarehousePolicy {
  const settings = config();
  return {
    hosts: settings.LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS,
    ports: settings.LAKEBOOK_ALLOWED_WAREHOUSE_PORTS,
    networks: settings.LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS,
  };
}

export const REFUSED_CODE = "ELAKEBOOKREFUSED";

/**
 * A connection the policy does not allow. `message` is the detail for admins
 * and the log; `memberMessage` what a member sees: that the host or port is
 * not allowed (without the lists), or for addresses the same words as any
 * other failure to reach a warehouse.
 */
export class WarehouseRefusal extends Error {
  readonly code = REFUSED_CODE;

  constructor(
    message: string,
    readonly memberMessage: string,
  ) {
    super(message);
    this.name = "WarehouseRefusal";
  }

  static is(error: unknown): error is WarehouseRefusal {
    return (
      (error as { code?: unknown })?.code === REFUSED_CODE &&
      typeof (error as WarehouseRefusal).memberMessage === "string"
    );
  }
}

/** What a member who is not an admin reads for every failure to reach a warehouse. */
export const UNREACHABLE = "Could not reach the warehouse.";

/**
 * Checks what needs no network: the host is a host name, in the allowed list,
 * on an allowed port; a literal address is in an allowed range. Returns the
 * canonical host (see canonicalHost), which is what must be stored and used.
 */
export function checkTarget(policy: WarehousePolicy, host: string, port: number): string {
  const canonical = canonicalHost(host);
  if (!canonical)
    throw new WarehouseRefusal(
      `"${host}" is not a server hostname.`,
      "Enter the server hostname, e.g. adb-1234.5.azuredatabricks.net.",
    );
  // The lists themselves are the admins' business (they may name internal hosts).
  const allowedList =
    "This server connects only to the warehouse hosts and ports its admins allow. Ask an admin if this warehouse should be one of them.";
  if (!hostAllowed(canonical, policy.hosts))
    throw new WarehouseRefusal(
      `${canonical} is not in LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS (${policy.hosts.map((p) => p.text).join(", ") || "empty"}).`,
      allowedList,
    );
  if (!portAllowed(port, policy.ports))
    throw new WarehouseRefusal(
      `Port ${port} is not in LAKEBOOK_ALLOWED_WAREHOUSE_PORTS (${describePorts(policy.ports)}).`,
      allowedList,
    );
  const literal = canonical.startsWith("[") ? canonical.slice(1, -1) : isIP(canonical) ? canonical : null;
  if (literal) {
    const why = addressRefusal(literal, policy.networks);
    if (why) throw addressRefused(`${canonical} is ${why}`);
  }
  return canonical;
}

function describePorts(ports: PortRanges): string {
  if (ports.some(([low, high]) => low === 1 && high === 65535)) return "any";
  return ports.map(([low, high]) => (low === high ? String(low) : `${low}-${high}`)).join(", ") || "none";
}

function addressRefused(what: string): WarehouseRefusal {
  return new WarehouseRefusal(
    `${what}, which this server does not connect to unless LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS allows it.`,
    UNREACHABLE,
  );
}

/**
 * Resolves a host once and checks every address it resolves to: one address
 * outside the allowed ranges refuses the host (a name that answers a public
 * and a private address must not reach the private one by chance).
 */
export async function resolveChecked(policy: WarehousePolicy, host: string): Promise<dns.LookupAddress[]> {
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  const addresses = isIP(literal)
    ? [{ address: literal, family: isIP(literal) }]
    : await dns.promises.lookup(host, { all: true, verbatim: true });
  for (const { address } of addresses) {
    const why = addressRefusal(address, policy.networks);
    if (why) throw addressRefused(`${host} resolves to ${address}, ${why}`);
  }
  return addresses;
}

/**
 * A `lookup` for the sockets of a warehouse's HTTP agent: each new socket
 * resolves its host once, checks every address, and connects only to an
 * address that was checked — so a name that changes its answer after the first
 * check (DNS rebinding) still cannot lead to a refused address.
 */
export function guardedLookup(policy: WarehousePolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(policy, hostname).then(
      (addresses) => {
        const family = typeof options === "object" ? options.family : undefined;
        const wanted = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (wanted.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
          callback(error, "", 0);
          return;
        }
        if (typeof options === "object" && options.all)
          (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

/** Throws when a literal address (a URL with an IP for a host, where no lookup runs) is refused. */
export function checkLiteralAddress(policy: WarehousePolicy, host: string): void {
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (!isIP(literal)) return;
  const why = addressRefusal(literal, policy.networks);
  if (why) throw addressRefused(`${host} is ${why}`);
}
