import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sharedCertificate } from "./tests/support/databricks-warehouse/certificate";
import { WAREHOUSE_NAMES } from "./tests/support/databricks-warehouse/names";

// The app's Databricks engine trusts the test warehouse the way a server would
// trust a real one: through the process's CA store. Test processes are forked
// after this runs, so they inherit it.
process.env.NODE_EXTRA_CA_CERTS = sharedCertificate(".lakebook-test-tls", WAREHOUSE_NAMES).certFile;
// As `npm start` sets it: Node's thread pool has room for every query the server runs at once.
process.env.UV_THREADPOOL_SIZE ??= "64";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      // `server-only` throws outside a React Server environment; tests run on Node.
      "server-only": fileURLToPath(new URL("./tests/support/empty.ts", import.meta.url)),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default on two cores is one worker; much of these tests' time is waiting
    // (child servers, sign-in windows, statement timeouts), so two overlap it.
    maxWorkers: 2,
    globalSetup: ["tests/support/global-setup.ts"],
  },
});
