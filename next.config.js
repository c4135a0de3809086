// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM server packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "@electric-sql/pglite",
    "@databricks/sql",
    "pg",
  ],
  poweredByHeader: false,
  // Every response, pages and API alike; pages also get a Content-Security-Policy
  // with a per-request nonce from proxy.ts (lib/security-headers.ts).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Other sites do not learn which page of Lakebook (a query id, a notebook) a link came from.
          { key: "Referrer-Policy", value: "same-origin" },
          // For browsers older than CSP's frame-ancestors, and for responses that are not pages.
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
  experimental: {
    serverActions: {
      // Statements up to LAKEBOOK_MAX_SQL_BYTES (1 MiB by default) must reach the
      // action so that it can answer with a clear message instead of a 413.
      bodySizeLimit: "4mb",
    },
  },
};

module.exports = nextConfig;
