import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { connectionInput } from "@/lib/schemas/connections";
import { prepareTempDataDir } from "./support/env";
import { HOSTILE_SQL, MIB } from "./support/hostile-sql";
import { createTestUser } from "./support/users";

/**
 * Connections cannot be used to probe the server's network. The host list
 * here names loopback and private addresses on purpose, so that what refuses
 * them is the address check (which the host list cannot switch off); no
 * address range is allowed. tests/warehouse-policy-allowed.test.ts allows the
 * test warehouse explicitly.
 */
prepareTempDataDir(1_000);
process.env.LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS =
  "*.azuredatabricks.net,*.cloud.databricks.com,localhost,127.0.0.1,10.1.2.3,192.168.7.7";
process.env.LAKEBOOK_ALLOWED_WAREHOUSE_PORTS = "443";
delete process.env.LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS;

const { canonicalHost, hostAllowed, parseHostPatterns, parsePorts, portAllowed } = await import(
  "@/lib/server/network/hosts"
);
const { addressRefusal, parseNetworks } = await import("@/lib/server/network/addresses");
const { checkTarget, guardedLookup, REFUSED_CODE, UNREACHABLE, WarehouseRefusal } = await import(
  "@/lib/server/network/warehouse-policy"
);
const { saveConnection, listConnections } = await import("@/lib/server/connections");
const { checkConnection, engineFor } = await import("@/lib/server/connections/engines");
const { runtime } = await import("@/lib/server/runtime");
const { insertConnection } = await import("@/lib/server/db/queries/connections");
const { seal } = await import("@/lib/server/crypto/seal");

type User = Awaited<ReturnType<typeof createTestUser>>;
let member: User;
let admin: User;

beforeAll(async () => {
  member = await createTestUser("member", `probe-${randomUUID().slice(0, 6)}`);
  admin = await createTestUser("admin", `admin-${randomUUID().slice(0, 6)}`);
}, 120_000);

const form = (host: string, port = 443) => ({
  name: `To ${host}`,
  host,
  port,
  httpPath: "/sql/1.0/warehouses/abc",
  authType: "token" as const,
  secret: "dapi-not-a-real-token-0001",
  scope: "personal" as const,
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "saved",
    (error: Error) => error.message,
  );
}

/** Words that would tell a member something about the network. */
const NETWORK_WORDS = ["127.", "10.1", "192.168", "loopback", "private", "resolve", "ECONN", "ENOTFOUND", "address"];

describe("host names as clients read them", () => {
  it("reads every encoding of an address as the address, and refuses what is not a bare host name", () => {
    expect(canonicalHost("2130706433")).toBe("127.0.0.1");
    expect(canonicalHost("0x7f.1")).toBe("127.0.0.1");
    expect(canonicalHost("0177.0.0.1")).toBe("127.0.0.1");
    expect(canonicalHost("127.1")).toBe("127.0.0.1");
    expect(canonicalHost("ADB-1.AzureDatabricks.NET.")).toBe("adb-1.azuredatabricks.net");
    expect(canonicalHost("[::ffff:127.0.0.1]")).toBe("[::ffff:7f00:1]");
    for (const bad of ["", "a..b.com", "host:443", "user@host", "host/path", "host?x", "host#x", "a b", "\\\\x"])
      expect(canonicalHost(bad), bad).toBeNull();
  });

  it("matches `*.` patterns label by label: subdomains only, never the bare domain or a look-alike", () => {
    const patterns = parseHostPatterns("*.cloud.databricks.com,*.azuredatabricks.net,*.gcp.databricks.com");
    const allowed = (host: string) => hostAllowed(canonicalHost(host) as string, patterns);
    expect(allowed("dbc-1234.cloud.databricks.com")).toBe(true);
    expect(allowed("a.b.cloud.databricks.com")).toBe(true);
    expect(allowed("ADB-1.2.AzureDatabricks.net")).toBe(true);
    expect(allowed("x.gcp.databricks.com")).toBe(true);
    for (const host of [
      "cloud.databricks.com",
      "evilcloud.databricks.com",
      "cloud.databricks.com.evil.example",
      "x.cloud.databricks.com.evil",
      "xazuredatabricks.net",
      "azuredatabricks.net",
      "databricks.com",
      "127.0.0.1",
    ])
      expect(allowed(host), host).toBe(false);
    expect(hostAllowed("exact.example", parseHostPatterns("exact.example"))).toBe(true);
    expect(hostAllowed("sub.exact.example", parseHostPatterns("exact.example"))).toBe(false);
    for (const bad of ["*", "*.", "a/b", "*.a..b", "x:1"])
      expect(() => parseHostPatterns(bad), bad).toThrow(/not a host/);
  });

  it("reads ports and ranges", () => {
    expect(portAllowed(443, parsePorts("443"))).toBe(true);
    expect(portAllowed(8443, parsePorts("443"))).toBe(false);
    expect(portAllowed(10050, parsePorts("443, 10000-10100"))).toBe(true);
    expect(portAllowed(1, parsePorts("*"))).toBe(true);
    for (const bad of ["0", "70000", "5-3", "abc", "1-", "-1", "4 43"]) expect(() => parsePorts(bad), bad).toThrow();
  });
});

describe("addresses", () => {
  it("refuses every address that is not global unicast, IPv4, IPv6 and IPv4-mapped", () => {
    const refused = {
      "127.0.0.1": "loopback",
      "127.255.0.9": "loopback",
      "10.1.2.3": "private",
      "172.16.5.4": "private",
      "192.168.7.7": "private",
      "100.64.0.1": "carrier-grade NAT",
      "169.254.169.254": "link-local",
      "224.0.0.1": "multicast",
      "0.0.0.0": "unspecified",
      "255.255.255.255": "broadcast",
      "::1": "loopback",
      "::": "unspecified",
      "fd00::": "unique-local",
      "fc00::1": "unique-local",
      "fe80::1": "link-local",
      "ff02::1": "multicast",
      "::ffff:127.0.0.1": "loopback",
      "::ffff:10.0.0.1": "private",
      "::ffff:169.254.169.254": "link-local",
      "64:ff9b::7f00:1": "rfc6052",
      "2002:7f00:1::": "6to4",
    };
    for (const [address, range] of Object.entries(refused))
      expect(addressRefusal(address, []), address).toContain(range);
    for (const address of ["8.8.8.8", "52.1.2.3", "2606:4700::1111", "::ffff:8.8.8.8"])
      expect(addressRefusal(address, []), address).toBeNull();
  });

  it("allows what an admin lists, and only that", () => {
    const networks = parseNetworks("10.0.0.0/8, fd00:ab::/32, 127.0.0.1, ::ffff:192.168.0.0/112");
    expect(addressRefusal("10.200.3.4", networks)).toBeNull();
    expect(addressRefusal("::ffff:10.200.3.4", networks)).toBeNull();
    expect(addressRefusal("fd00:ab:1::5", networks)).toBeNull();
    expect(addressRefusal("127.0.0.1", networks)).toBeNull();
    expect(addressRefusal("192.168.4.4", networks)).toBeNull();
    expect(addressRefusal("127.0.0.2", networks)).toContain("loopback");
    expect(addressRefusal("fd00:ac::1", networks)).toContain("unique-local");
    expect(addressRefusal("192.169.0.1", networks)).toBeNull();
    for (const bad of ["10.0.0.0/33", "nope", "10.0.0.0/x", "::/129"]) expect(() => parseNetworks(bad), bad).toThrow();
  });

  it("checks literal addresses without the network, IPv6 literals included", () => {
    const policy = {
      hosts: parseHostPatterns("[fd00::],[::ffff:127.0.0.1],[2606:4700::1111]"),
      ports: parsePorts("443"),
      networks: [],
    };
    expect(() => checkTarget(policy, "[fd00::]", 443)).toThrow(/unique-local/);
    expect(() => checkTarget(policy, "[::ffff:127.0.0.1]", 443)).toThrow(/loopback/);
    expect(checkTarget(policy, "[2606:4700::1111]", 443)).toBe("[2606:4700::1111]");
  });

  it("the agent's lookup refuses a name that resolves to a refused address, and hands over only checked ones", async () => {
    const lookup = (networks: string, all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
        guardedLookup({ hosts: [], ports: [], networks: parseNetworks(networks) })(
          "localhost",
          { all },
          (error, result) => resolve({ error, result }),
        ),
      );
    const refused = await lookup("", true);
    expect(refused.error?.code).toBe(REFUSED_CODE);
    expect(refused.error?.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    const allowed = await lookup("127.0.0.0/8,::1", true);
    expect(allowed.error).toBeNull();
    expect((allowed.result as { address: string }[]).map((a) => a.address)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]),
    );
    const one = await lookup("127.0.0.0/8,::1", false);
    expect(one.result).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe("a member's connection to the server's own network", () => {
  it("is refused for every address encoding, private range and unlisted host, with a message that reveals nothing", async () => {
    const messages = new Map<string, string>();
    for (const host of ["127.0.0.1", "10.1.2.3", "192.168.7.7", "localhost", "2130706433", "0x7f.1", "0177.0.0.01"]) {
      messages.set(host, await refusal(saveConnection(member, form(host))));
    }
    for (const [host, message] of messages) expect(message, host).toBe(UNREACHABLE);

    const unlisted = await refusal(saveConnection(member, form("intranet.example")));
    const otherPort = await refusal(saveConnection(member, form("adb-1.azuredatabricks.net", 8443)));
    for (const message of [unlisted, otherPort]) {
      expect(message).toMatch(/^This server connects only to the warehouse hosts and ports its admins allow/);
      for (const word of NETWORK_WORDS) expect(message).not.toContain(word);
    }
    // The form's hostname field takes no IPv6 literal at all.
    for (const host of ["fd00::", "::ffff:127.0.0.1", "[fd00::]", "[::1]"]) {
      const parsed = connectionInput.safeParse(form(host));
      expect(parsed.success, host).toBe(false);
    }
    // Testing the form instead of saving it tells no more.
    expect(await checkConnection(member, form("localhost"))).toEqual({ ok: false, message: UNREACHABLE });
    expect(await checkConnection(member, form("0x7f.1"))).toEqual({ ok: false, message: UNREACHABLE });
    expect((await checkConnection(member, form("intranet.example"))).ok).toBe(false);
    // Nothing was saved.
    expect((await listConnections(member)).map((c) => c.id)).toEqual(["builtin"]);
  });

  it("is refused for an admin too, who reads why", async () => {
    expect(await refusal(saveConnection(admin, { ...form("localhost"), scope: "shared" }))).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address, which this server does not connect to unless LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS allows it\.$/,
    );
    expect(await refusal(saveConnection(admin, form("0x7f.1")))).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(await refusal(saveConnection(admin, form("intranet.example")))).toMatch(
      /intranet\.example is not in LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS/,
    );
    expect(await checkConnection(admin, form("10.1.2.3"))).toEqual({
      ok: false,
      message: expect.stringMatching(/^10\.1\.2\.3 is a private address/),
    });
  });

  it("a host saved as allowed (the stored canonical form) that the policy refuses now fails at connect, for shared connections too", async () => {
    const { db, secretKey } = await runtime();
    const id = randomUUID();
    // As if saved under a wider policy that has since been narrowed.
    await insertConnection(db, {
      id,
      name: "Once allowed",
      host: "localhost",
      port: "443",
      httpPath: "/sql/1.0/warehouses/abc",
      authType: "token",
      clientId: null,
      scope: "shared",
      ownerId: admin.id,
      sealedSecret: seal(secretKey, "dapi-not-a-real-token-0001", `connection:${id}`),
      secretHint: "",
    });
    expect(await (await engineFor(member, id)).testConnection()).toEqual({ ok: false, message: UNREACHABLE });
    await expect((await engineFor(member, id)).listCatalogs()).rejects.toThrow(new RegExp(`^${UNREACHABLE}$`));
    expect((await (await engineFor(admin, id)).testConnection()) as { message: string }).toMatchObject({
      ok: false,
      message: expect.stringMatching(/localhost resolves to .*loopback address/),
    });
    expect(WarehouseRefusal.is(new Error("x"))).toBe(false);
  });
});

describe("hostile input", () => {
  it("1 MiB host names of the worst characters are refused at once, and the server keeps serving", {
    timeout: 20_000,
  }, async () => {
    const policy = { hosts: parseHostPatterns("*.cloud.databricks.com"), ports: parsePorts("443"), networks: [] };
    const texts = [
      ...Object.values(HOSTILE_SQL),
      "a.".repeat(MIB / 2),
      `${"x".repeat(MIB)}.cloud.databricks.com`,
      "0x7f.".repeat(MIB / 5),
      "\u0000\u202e.cloud.databricks.com",
      "[".repeat(MIB),
    ];
    for (const text of texts) {
      expect(() => checkTarget(policy, text, 443)).toThrow();
      expect(connectionInput.safeParse(form(text)).success).toBe(false);
    }
    expect(await refusal(saveConnection(member, form("adb-1.azuredatabricks.net")))).toBe("saved");
  });

  it("a policy that is not one stops the start with the entry at fault", () => {
    const started = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        [
          "--conditions=react-server",
          "--import",
          "tsx",
          "-e",
          'import("./lib/server/config.ts").then((m) => (m.config ?? m.default.config)())',
        ],
        { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 },
      ).stderr;
    expect(started({ LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS: "10.0.0.0/8,nope" })).toContain(
      'Invalid Lakebook configuration: LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS: "nope" is not an address range',
    );
    expect(started({ LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: "*" })).toContain(
      'LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: "*" is not a host name',
    );
    expect(started({ LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: "0" })).toContain(
      'LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: "0" is not a port',
    );
  });
});
