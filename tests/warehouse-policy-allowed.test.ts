import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { DBSQLClient, DBSQLLogger, LogLevel } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWarehouse, type TestWarehouse } from "./support/databricks-warehouse";
import { sharedCertificate } from "./support/databricks-warehouse/certificate";
import { WAREHOUSE_NAMES } from "./support/databricks-warehouse/names";
import { allowLocalWarehouse, prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

/**
 * With the test warehouse's host, ports and loopback address allowed
 * explicitly (as an admin would allow a warehouse on a private network),
 * members use it; failures to reach a warehouse still read the same for them;
 * and a stored secret never follows a connection to a new host.
 */
prepareTempDataDir(1_000);
allowLocalWarehouse();

const { saveConnection } = await import("@/lib/server/connections");
const { checkConnection, engineFor } = await import("@/lib/server/connections/engines");
const { UNREACHABLE, REFUSED_CODE } = await import("@/lib/server/network/warehouse-policy");
const { parseNetworks } = await import("@/lib/server/network/addresses");
const { parseHostPatterns, parsePorts } = await import("@/lib/server/network/hosts");
const { guardClient } = await import("@/lib/server/engines/databricks/guarded-connection");

type User = Awaited<ReturnType<typeof createTestUser>>;
let warehouse: TestWarehouse;
let member: User;
let admin: User;
let otherAdmin: User;
const servers: (net.Server | http.Server)[] = [];
/** Requests that reached the "attacker's" HTTPS server, with their Authorization header. */
const stolen: string[] = [];
let attackerPort: number;
let closedPort: number;
let plainPort: number;
let badGatewayPort: number;

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  warehouse = await startTestWarehouse({ tripsRows: 1_000, certificateDir: ".lakebook-test-tls" });
  member = await createTestUser("member", `member-${randomUUID().slice(0, 6)}`);
  admin = await createTestUser("admin", `admin-${randomUUID().slice(0, 6)}`);
  otherAdmin = await createTestUser("admin", `admin2-${randomUUID().slice(0, 6)}`);
  const certificate = sharedCertificate(".lakebook-test-tls", WAREHOUSE_NAMES);
  attackerPort = await listen(
    https.createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
      stolen.push(request.headers.authorization ?? "(none)");
      response.writeHead(500).end();
    }),
  );
  badGatewayPort = await listen(
    https.createServer({ key: certificate.key, cert: certificate.cert }, (_request, response) =>
      response.writeHead(502).end("bad gateway"),
    ),
  );
  // Plain HTTP where the driver expects TLS: a TLS failure.
  plainPort = await listen(http.createServer((_request, response) => response.writeHead(200).end("hello")));
  const closed = net.createServer();
  closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  servers.splice(servers.indexOf(closed), 1);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await warehouse?.close();
});

const form = (overrides: Record<string, unknown> = {}) => ({
  name: "Test warehouse",
  host: "localhost",
  port: warehouse.port,
  httpPath: warehouse.path,
  authType: "token" as const,
  secret: warehouse.token,
  scope: "personal" as const,
  ...overrides,
});

describe("a warehouse on an address an admin allowed", () => {
  it("is saved and used by a member", async () => {
    const saved = await saveConnection(member, form());
    const engine = await engineFor(member, saved.id);
    expect(await engine.testConnection()).toEqual({ ok: true, detail: "Connected: the warehouse ran SELECT 1." });
    expect(await engine.listCatalogs()).toContain("samples");
  });

  it("every failure to reach a warehouse reads the same for a member, and in detail for an admin", async () => {
    const cases = [
      { port: closedPort, admin: /cannot be reached \(ECONNREFUSED\)/ },
      { port: plainPort, admin: /TLS/ },
      { port: badGatewayPort, admin: /answered HTTP 502/ },
      { host: "no-such-host.cloud.databricks.com", port: 443, admin: /cannot be reached \((ENOTFOUND|EAI_AGAIN)\)/ },
    ];
    for (const { admin: detail, ...target } of cases) {
      expect(await checkConnection(member, form(target)), JSON.stringify(target)).toEqual({
        ok: false,
        message: UNREACHABLE,
      });
      const seen = await checkConnection(admin, form(target));
      expect(seen.ok).toBe(false);
      expect((seen as { message: string }).message, JSON.stringify(target)).toMatch(detail);
    }
    // What the warehouse itself answers stays useful to a member: a wrong token is a wrong token.
    expect(await checkConnection(member, form({ secret: "dapi-wrong" }))).toEqual({
      ok: false,
      message: expect.stringContaining("rejected the credentials"),
    });
  });
});

describe("a stored secret stays with its host", () => {
  it("changing where the secret goes needs it typed again, when saving and when testing", async () => {
    const saved = await saveConnection(member, form({ name: "Mine" }));
    const refusedMessage =
      /^Enter the (access token|client secret) again: a changed server hostname, port, HTTP path, authentication type or client ID needs it\.$/;
    for (const change of [
      { port: attackerPort },
      { httpPath: "/sql/1.0/warehouses/other" },
      { authType: "oauth-m2m", clientId: "someone" },
    ]) {
      await expect(saveConnection(member, form({ id: saved.id, secret: "", ...change }))).rejects.toThrow(
        refusedMessage,
      );
      expect(await checkConnection(member, form({ id: saved.id, secret: "", ...change }))).toEqual({
        ok: false,
        message: expect.stringMatching(/again: a changed server hostname/),
      });
    }
    expect(stolen).toEqual([]);
    // The name, catalog and schema change without it; the connection still works.
    const renamed = await saveConnection(
      member,
      form({ id: saved.id, secret: "", name: "Renamed", defaultCatalog: "main" }),
    );
    expect(renamed.name).toBe("Renamed");
    expect(await (await engineFor(member, saved.id)).testConnection()).toMatchObject({ ok: true });
    // With the secret typed again, the host may change: the typed secret is what goes there.
    await saveConnection(member, form({ id: saved.id, port: attackerPort, secret: "dapi-typed-again-0001" }));
    await (await engineFor(member, saved.id)).testConnection();
    expect(stolen.join()).not.toContain(warehouse.token);
    expect(stolen.join()).toContain("dapi-typed-again-0001");
  });

  it("an admin cannot send another admin's shared secret to a new host", async () => {
    const shared = await saveConnection(admin, form({ name: "Team", scope: "shared" }));
    const before = stolen.length;
    await expect(
      saveConnection(otherAdmin, form({ id: shared.id, scope: "shared", secret: "", port: attackerPort })),
    ).rejects.toThrow(/Enter the access token again/);
    expect(
      await checkConnection(otherAdmin, form({ id: shared.id, scope: "shared", secret: "", port: attackerPort })),
    ).toMatchObject({ ok: false });
    expect(stolen.length).toBe(before);
  });
});

describe("the driver's sockets", () => {
  it("go through the guarded agent: a refused address is refused at connect even without the check before it", async () => {
    const connect = async (networks: string, host = "localhost") => {
      const client = new DBSQLClient({ logger: new DBSQLLogger({ level: LogLevel.error }) });
      client.on("error", () => {});
      guardClient(client, {
        hosts: parseHostPatterns("localhost"),
        ports: parsePorts("*"),
        networks: parseNetworks(networks),
      });
      await client.connect({
        host,
        port: warehouse.port,
        path: warehouse.path,
        token: warehouse.token,
        telemetryEnabled: false,
      });
      try {
        const session = await client.openSession();
        await session.close();
        return "connected";
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        await client.close().catch(() => {});
      }
    };
    expect(await connect("")).toBe(REFUSED_CODE);
    // A literal address: Node does no lookup for it, the agent checks it itself.
    expect(await connect("", "127.0.0.1")).toBe(REFUSED_CODE);
    expect(await connect("127.0.0.1/32,::1/128")).toBe("connected");
  });
});
