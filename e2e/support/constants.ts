/** Shared by playwright.config.ts and the tests: the server under test and its data. */
/** Ports can be moved (LAKEBOOK_E2E_PORT, LAKEBOOK_E2E_OIDC_PORT) to run two checkouts' suites side by side. */
export const E2E_PORT = Number(process.env.LAKEBOOK_E2E_PORT ?? 3107);
export const E2E_DATA_DIR = ".lakebook-e2e";
/** Everything the server under test prints, for the tests that read its logs. */
export const E2E_SERVER_LOG = ".lakebook-e2e-server.log";
/** Several million trips, as a newcomer gets by default (5M), scaled down to keep CI quick. */
export const E2E_TRIPS_ROWS = 2_000_000;
/** The server's row cap, above the sample trips, so that a test can cut a result at it. */
export const E2E_RESULT_MAX_ROWS = 2_500_000;
/** Each member's share of the stored results, small enough that a test can fill it (result-budget.spec.ts). */
export const E2E_RESULTS_BUDGET_PER_USER = "400MB";

/** The first admin, created through the setup page by first-run.setup.ts. */
export const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "correct horse battery staple" };
/** Browser state of the signed-in admin, reused by the other tests. */
export const ADMIN_STATE = "test-results/.auth/admin.json";

/**
 * TLS certificate of the Databricks test warehouse, made before the app starts
 * so the app can trust it (NODE_EXTRA_CA_CERTS), as it would a real warehouse's.
 */
export const E2E_WAREHOUSE_TLS_DIR = ".lakebook-e2e-tls";
export const E2E_WAREHOUSE_TRIPS_ROWS = 20_000;

/** The local OpenID Connect issuer (tests/support/oidc-issuer.mjs) the app signs in with. */
export const E2E_OIDC = {
  port: Number(process.env.LAKEBOOK_E2E_OIDC_PORT ?? 3108),
  clientId: "lakebook",
  clientSecret: "lakebook-test-secret",
  name: "Acme SSO",
};

/** Warehouse hosts the server under test allows besides the Databricks domains (playwright.config.ts). */
export const E2E_ALLOWED_WAREHOUSE_HOSTS = "localhost,127.0.0.1,127.0.0.2";

/** The email domain whose verified identities may join by single sign-on without an invitation (LAKEBOOK_OIDC_ALLOWED_DOMAINS). */
export const E2E_SSO_DOMAIN = "sso.example";
