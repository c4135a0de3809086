import { defineConfig } from "@playwright/test";
import {
  ADMIN_STATE,
  E2E_ALLOWED_WAREHOUSE_HOSTS,
  E2E_DATA_DIR,
  E2E_OIDC,
  E2E_PORT,
  E2E_RESULT_MAX_ROWS,
  E2E_RESULTS_BUDGET_PER_USER,
  E2E_SERVER_LOG,
  E2E_SSO_DOMAIN,
  E2E_TRIPS_ROWS,
  E2E_WAREHOUSE_TLS_DIR,
} from "./e2e/support/constants";
import { sharedCertificate } from "./tests/support/databricks-warehouse/certificate";
import { WAREHOUSE_NAMES } from "./tests/support/databricks-warehouse/names";

const warehouseCertificate = sharedCertificate(E2E_WAREHOUSE_TLS_DIR, WAREHOUSE_NAMES);

/**
 * Browser tests drive the system Chromium (Debian's package; Playwright's own
 * browser download is not possible here) against a production build.
 */
export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
  },
  projects: [
    // A brand-new server: the first visitor creates the admin, whose session the other tests reuse.
    { name: "first-run", testMatch: /first-run\.setup\.ts/ },
    { name: "app", dependencies: ["first-run"], use: { storageState: ADMIN_STATE } },
  ],
  webServer: [
    {
      command: "node tests/support/oidc-issuer.mjs",
      url: `http://127.0.0.1:${E2E_OIDC.port}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      env: {
        OIDC_PORT: String(E2E_OIDC.port),
        OIDC_CLIENT_ID: E2E_OIDC.clientId,
        OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
        OIDC_REDIRECT_URI: `http://127.0.0.1:${E2E_PORT}/api/auth/callback/oidc`,
      },
    },
    {
      command: `rm -rf ${E2E_DATA_DIR} && node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${E2E_PORT} 2>&1 | tee ${E2E_SERVER_LOG}`,
      url: `http://127.0.0.1:${E2E_PORT}/`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        // As `npm start` sets it: Node's thread pool has room for every query the server runs at once.
        UV_THREADPOOL_SIZE: "64",
        NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
        NODE_EXTRA_CA_CERTS: warehouseCertificate.certFile,
        LAKEBOOK_DATA_DIR: E2E_DATA_DIR,
        LAKEBOOK_SAMPLE_TRIPS_ROWS: String(E2E_TRIPS_ROWS),
        LAKEBOOK_RESULT_MAX_ROWS: String(E2E_RESULT_MAX_ROWS),
        LAKEBOOK_RESULTS_BUDGET_PER_USER: E2E_RESULTS_BUDGET_PER_USER,
        LAKEBOOK_OIDC_ISSUER: `http://127.0.0.1:${E2E_OIDC.port}`,
        LAKEBOOK_OIDC_CLIENT_ID: E2E_OIDC.clientId,
        LAKEBOOK_OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
        LAKEBOOK_OIDC_NAME: E2E_OIDC.name,
        // The Thrift test warehouse listens on a random port of 127.0.0.1 as `localhost`:
        // allowed explicitly, as an admin allows a warehouse on a private network.
        // 127.0.0.2 is named in the host list but not in the networks, so that
        // connection-policy.spec.ts can show the address check refusing it.
        LAKEBOOK_ALLOWED_WAREHOUSE_HOSTS: `${E2E_ALLOWED_WAREHOUSE_HOSTS},*.cloud.databricks.com,*.azuredatabricks.net,*.gcp.databricks.com`,
        LAKEBOOK_ALLOWED_WAREHOUSE_PORTS: "*",
        LAKEBOOK_ALLOWED_WAREHOUSE_NETWORKS: "127.0.0.1/32,::1/128",
        LAKEBOOK_OIDC_ALLOWED_DOMAINS: E2E_SSO_DOMAIN,
        // A short sign-in window, so that a test can wait one out (e2e/sign-in-and-sessions.spec.ts).
        LAKEBOOK_SIGNIN_WINDOW_SECONDS: "30",
      },
    },
  ],
});
