import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCertificate, sharedCertificate } from "./certificate";
import { openDatabase } from "./database";
import { Faults } from "./faults";
import type { GeneratedMetastore } from "./generated-metastore";
import { startHttpsServer } from "./http-server";
import { OAuthServer } from "./oauth";
import type { MemberOAuth } from "./oauth-members";
import { startTunnelProxy } from "./proxy";
import { Registry, type WarehouseStats } from "./registry";
import { createService } from "./service";
import { TCLIService } from "./thrift";

export type { WarehouseStats };

/** A host name the driver will do OAuth for; reached only through `oauth.proxy` (see proxy.ts). */
import { OAUTH_HOST, WAREHOUSE_NAMES } from "./names";

export { OAUTH_HOST, WAREHOUSE_NAMES };

export interface TestWarehouse {
  host: string;
  port: number;
  path: string;
  token: string;
  caCert: string;
  /** The same PEM on disk, for `NODE_EXTRA_CA_CERTS` (the driver's OAuth requests ignore `customCaCert`). */
  caCertFile: string;
  oauth: {
    clientId: string;
    clientSecret: string;
    /** Connect with this `host`, the warehouse's `port`, and `proxy` for OAuth M2M. */
    host: string;
    proxy: { protocol: "http"; host: string; port: number };
    /** Lifetime of the access tokens issued from now on. */
    setTokenSeconds(seconds: number): void;
    tokensIssued(): number;
    /** Users' own OAuth (user-to-machine): the app's client id, revocation, grants and lifetimes. */
    members: MemberOAuth;
  };
  stats(): WarehouseStats;
  faults: {
    /** HTTP 503 (+ Retry-After) for the next `times` Thrift requests, or only those calling `methods`. */
    unavailable(times: number, retryAfterSeconds?: number, methods?: string[]): void;
    dropConnectionOnNextFetch(): void;
    delayMs(ms: number): void;
    expireSessions(): void;
  };
  close(): Promise<void>;
}

export async function startTestWarehouse(
  options: {
    tripsRows?: number;
    token?: string;
    certificateDir?: string;
    /** Catalogs that exist only in the metadata answers, for completion and browsing at scale. */
    generatedMetastore?: GeneratedMetastore;
  } = {},
): Promise<TestWarehouse> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-warehouse-"));
  const certificate = options.certificateDir
    ? sharedCertificate(options.certificateDir, WAREHOUSE_NAMES)
    : createCertificate(dir, WAREHOUSE_NAMES);
  const instance = await openDatabase(options.tripsRows ?? 20_000);
  const token = options.token ?? `dapi${randomBytes(16).toString("hex")}`;
  const oauth = new OAuthServer(
    `lakebook-test-sp-${randomBytes(4).toString("hex")}`,
    randomBytes(24).toString("hex"),
    `lakebook-test-app-${randomBytes(4).toString("hex")}`,
  );
  const registry = new Registry();
  const faults = new Faults();
  const warehousePath = "/sql/1.0/warehouses/lakebook-test";
  const http = await startHttpsServer({
    certificate,
    path: warehousePath,
    identify: (given) => (given === token ? "token" : oauth.identity(given)),
    oauth,
    faults,
    processor: new TCLIService.Processor(createService(instance, registry, options.generatedMetastore)),
  });
  const proxy = await startTunnelProxy(http.port, ["localhost", "127.0.0.1", OAUTH_HOST]);

  return {
    host: "localhost",
    port: http.port,
    path: warehousePath,
    token,
    caCert: certificate.cert,
    caCertFile: certificate.certFile,
    oauth: {
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      host: OAUTH_HOST,
      proxy: { protocol: "http", host: "127.0.0.1", port: proxy.port },
      setTokenSeconds: (seconds) => {
        oauth.tokenSeconds = seconds;
      },
      tokensIssued: () => oauth.issuedCount,
      members: oauth.members,
    },
    stats: () => registry.stats(),
    faults: {
      unavailable: (times, retryAfterSeconds, methods) => faults.unavailable(times, retryAfterSeconds, methods),
      dropConnectionOnNextFetch: () => faults.dropConnectionOnNextFetch(),
      delayMs: (ms) => faults.delayMs(ms),
      expireSessions: () => registry.expireAll(),
    },
    async close() {
      await proxy.close();
      await http.close();
      await Promise.all([...registry.sessions.values()].map((session) => registry.closeSession(session)));
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
