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
import { ResultStorage } from "./storage";
import { TCLIService } from "./thrift";
import type { CloudFetchSettings } from "./url-result";

export { downloadsOnTheirWay, type ResultRecord } from "./storage";
export type { CloudFetchSettings, WarehouseStats };

/** Results above this many rows go by CloudFetch unless the options say otherwise: e2e's larger results do. */
export const CLOUD_FETCH_THRESHOLD_ROWS = 10_000;
const CLOUD_FETCH_DEFAULTS: CloudFetchSettings = {
  thresholdRows: CLOUD_FETCH_THRESHOLD_ROWS,
  rowsPerFile: 20_000,
  linksPerFetch: 4,
  lz4: "client",
};

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
    /** After `skip` good ones, the next `count` CloudFetch links are handed out already expired. */
    expireLinks(count: number, skip?: number): void;
    /** CloudFetch links expire this long after they are handed out (null: 15 minutes). */
    linkLifetimeMs(ms: number | null): void;
    /** CloudFetch links point at a host where nothing listens (true), or back at the storage (false). */
    storageUnreachable(on: boolean): void;
    /** The storage sends files at this many bytes a second (0: at full speed). */
    slowStorage(bytesPerSecond: number): void;
  };
  /** The HTTPS server holding CloudFetch result files (another port, the same certificate). */
  storagePort: number;
  /** CloudFetch settings, read at each statement's first results: a test may change them. */
  cloudFetch: CloudFetchSettings;
  close(): Promise<void>;
}

export async function startTestWarehouse(
  options: {
    tripsRows?: number;
    token?: string;
    certificateDir?: string;
    /** Catalogs that exist only in the metadata answers, for completion and browsing at scale. */
    generatedMetastore?: GeneratedMetastore;
    /** CloudFetch: threshold (0 forces links for every Arrow result), file size, links per fetch, LZ4. */
    cloudFetch?: Partial<CloudFetchSettings>;
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
  const storage = new ResultStorage(path.join(dir, "storage"), certificate, faults);
  await storage.start();
  const cloudFetch = { storage, settings: { ...CLOUD_FETCH_DEFAULTS, ...options.cloudFetch } };
  const warehousePath = "/sql/1.0/warehouses/lakebook-test";
  const http = await startHttpsServer({
    certificate,
    path: warehousePath,
    identify: (given) => (given === token ? "token" : oauth.identity(given)),
    oauth,
    faults,
    processor: new TCLIService.Processor(createService(instance, registry, cloudFetch, options.generatedMetastore)),
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
      expireLinks: (count, skip) => faults.expireLinks(count, skip),
      linkLifetimeMs: (ms) => {
        faults.linkLifetimeMs = ms;
      },
      storageUnreachable: (on) => {
        faults.storageUnreachable = on;
      },
      slowStorage: (bytesPerSecond) => {
        faults.storageBytesPerSecond = Math.max(0, bytesPerSecond);
      },
    },
    storagePort: storage.port,
    cloudFetch: cloudFetch.settings,
    async close() {
      await proxy.close();
      await http.close();
      await storage.close();
      await Promise.all([...registry.sessions.values()].map((session) => registry.closeSession(session)));
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
