// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/WASM server packages cannot be bundled (TOOLCHAIN.md).
  serverExternalPackages: [
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "@electric-sql/pglite",
    "@databricks/sql",
    "pg",
  ],
  poweredByHeader: false,
  experimental: {
    serverActions: {
      // Statements up to LAKEBOOK_MAX_SQL_BYTES (1 MiB by default) must reach the
      // action so that it can answer with a clear message instead of a 413.
      bodySizeLimit: "4mb",
    },
  },
};

module.exports = nextConfig;
